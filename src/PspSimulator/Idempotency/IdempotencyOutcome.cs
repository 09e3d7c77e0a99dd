namespace PspSimulator.Idempotency;

/// <summary>What a request's idempotency key says it should do.</summary>
internal enum IdempotencyOutcome
{
    /// <summary>First use: carry it out and save the answer.</summary>
    Started,

    /// <summary>Same parameters, finished: answer the saved response.</summary>
    Replay,

    /// <summary>Other parameters (or another endpoint): 400 idempotency_error.</summary>
    Mismatch,

    /// <summary>Same parameters, first still executing: 409, nothing saved.</summary>
    InUse,
}
