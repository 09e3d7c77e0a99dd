namespace PspSimulator.Webhooks;

/// <summary>
/// Where webhooks go and the secrets that sign them (one <c>v1=</c> entry per secret). Several URLs
/// stand for several instances of one receiver: each event goes to one of them, and a failed attempt
/// moves on to the next (see <see cref="WebhookDispatcher"/>).
/// </summary>
internal sealed record WebhookEndpoint(IReadOnlyList<Uri> Urls, IReadOnlyList<string> Secrets)
{
    public const int MaxUrls = 8;

    /// <summary>The first URL, or null when webhooks are off.</summary>
    public Uri? Url => Urls.Count > 0 ? Urls[0] : null;

    public static WebhookEndpoint From(string? url, string? secrets) =>
        From(string.IsNullOrWhiteSpace(url) ? [] : [new Uri(url, UriKind.Absolute)], secrets);

    public static WebhookEndpoint From(IReadOnlyList<Uri> urls, string? secrets) => new(
        urls,
        (secrets ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The URL of the attempt numbered <paramref name="choice"/>: round robin from the event's own pick.</summary>
    public Uri UrlFor(ulong choice) => Urls[(int)(choice % (ulong)Urls.Count)];
}
