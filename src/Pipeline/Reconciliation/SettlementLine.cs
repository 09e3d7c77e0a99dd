namespace Payments.Pipeline.Reconciliation;

/// <summary>
/// One line of the PSP's settlement report: a balance transaction the PSP carried out. Amounts are
/// signed minor units as the PSP reports them (<see cref="Net"/> = <see cref="Gross"/> − <see cref="Fee"/>);
/// ids the category does not use are null.
/// </summary>
internal sealed record SettlementLine(
    int LineNumber,
    string BalanceTransactionId,
    DateTimeOffset Created,
    DateTimeOffset AvailableOn,
    string Category,
    string? PaymentIntentId,
    string? RefundId,
    long Gross,
    long Fee,
    long Net,
    string Currency,
    string? ChargeIdMetadata,
    string? DisputeId,
    string? PayoutId,
    string? PayoutIdMetadata,
    string? RefundIdMetadata);
