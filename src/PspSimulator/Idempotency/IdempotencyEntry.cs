using PspSimulator.Protocol;

namespace PspSimulator.Idempotency;

/// <summary>One idempotency key: what it was first used for and, once finished, the answer saved for it.</summary>
internal sealed class IdempotencyEntry(UInt128 fingerprint, DateTimeOffset createdAt)
{
    private volatile StripeResponse? _saved;

    public UInt128 Fingerprint { get; } = fingerprint;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Null while the first request is still executing.</summary>
    public StripeResponse? Saved => _saved;

    public void Save(StripeResponse response) => _saved = response;
}
