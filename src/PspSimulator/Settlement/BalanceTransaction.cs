namespace PspSimulator.Settlement;

/// <summary>One line of a settlement report.</summary>
internal sealed record BalanceTransaction(
    long Sequence,
    string Id,
    DateTimeOffset Created,
    string ReportingCategory,
    string PaymentIntentId,
    string? RefundId,
    long Gross,
    long Fee,
    long Net,
    string Currency,
    string? ChargeId);
