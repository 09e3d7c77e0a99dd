namespace PspSimulator.Webhooks;

/// <summary>Where webhooks go and the secrets that sign them (one <c>v1=</c> entry per secret).</summary>
internal sealed record WebhookEndpoint(Uri? Url, IReadOnlyList<string> Secrets)
{
    public static WebhookEndpoint From(string? url, string? secrets) => new(
        string.IsNullOrWhiteSpace(url) ? null : new Uri(url, UriKind.Absolute),
        (secrets ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
