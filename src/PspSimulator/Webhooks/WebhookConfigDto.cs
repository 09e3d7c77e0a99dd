namespace PspSimulator.Webhooks;

/// <summary>
/// <c>POST /_sim/webhooks/config</c> body and answer. <c>url</c> null or empty stops delivery;
/// <c>secret</c> may hold several secrets, comma separated; <c>secrets</c> adds more.
/// The answer leaves the secrets out and gives their count.
/// </summary>
internal sealed record WebhookConfigDto(string? Url, string? Secret, IReadOnlyList<string>? Secrets, int? SecretCount);
