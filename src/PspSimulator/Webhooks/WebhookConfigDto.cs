namespace PspSimulator.Webhooks;

/// <summary>
/// <c>POST /_sim/webhooks/config</c> body and answer. <c>url</c> null or empty (and no <c>urls</c>)
/// stops delivery; <c>urls</c> gives 1 to 8 instead, which events are split over with failover
/// (not both). <c>secret</c> may hold several secrets, comma separated; <c>secrets</c> adds more.
/// The answer gives the first URL as <c>url</c>, all of them as <c>urls</c>, and the secrets' count
/// instead of the secrets.
/// </summary>
internal sealed record WebhookConfigDto(string? Url, string? Secret, IReadOnlyList<string>? Secrets, int? SecretCount)
{
    public IReadOnlyList<string>? Urls { get; init; }
}
