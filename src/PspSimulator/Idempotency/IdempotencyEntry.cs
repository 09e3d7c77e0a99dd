using PspSimulator.Protocol;

namespace PspSimulator.Idempotency;

/// <summary>One idempotency key: what it was first used for and, once finished, the answer saved for it.</summary>
internal sealed class IdempotencyEntry(byte[] fingerprint, DateTimeOffset createdAt)
{
    private volatile StripeResponse? _saved;

    public byte[] Fingerprint { get; } = fingerprint;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Null while the first request is still executing.</summary>
    public StripeResponse? Saved => _saved;

    public void Save(StripeResponse response) => _saved = response;
}
