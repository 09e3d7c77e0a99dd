namespace PspSimulator.Maintenance;

/// <summary>What <c>POST /_sim/reset</c> forgot.</summary>
internal sealed record ResetResultDto(
    int PaymentIntents,
    int Refunds,
    int Disputes,
    int Payouts,
    int Events,
    int Movements,
    int IdempotencyKeys);
