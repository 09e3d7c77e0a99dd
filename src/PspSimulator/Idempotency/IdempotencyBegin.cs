namespace PspSimulator.Idempotency;

/// <summary>The outcome of looking a key up, with its entry.</summary>
internal readonly record struct IdempotencyBegin(IdempotencyOutcome Outcome, IdempotencyEntry Entry);
