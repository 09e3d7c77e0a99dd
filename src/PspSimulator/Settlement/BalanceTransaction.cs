namespace PspSimulator.Settlement;

/// <summary>
/// One balance transaction the PSP carried out: one line of a settlement report. Its id is given when
/// it is carried out, so the line keeps it whenever its day's report is written. Ids that do not apply
/// to its category are null (an empty field in the report).
/// </summary>
internal sealed record BalanceTransaction(
    string Id,
    long Sequence,
    DateTimeOffset Created,
    string ReportingCategory,
    string? PaymentIntent,
    string? Refund,
    long Gross,
    long Fee,
    string Currency,
    string? ChargeIdMetadata,
    string? Dispute,
    string? Payout,
    string? PayoutIdMetadata,
    string? RefundIdMetadata)
{
    /// <summary>What the transaction does to the platform's balance.</summary>
    public long Net => Gross - Fee;
}
