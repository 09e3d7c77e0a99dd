namespace PspSimulator.Maintenance;

/// <summary>What one pruning pass removed.</summary>
internal sealed record PruneResultDto(int IdempotencyKeys, int PaymentIntents, int Events, int Movements, int SettlementDays, int Payouts);
