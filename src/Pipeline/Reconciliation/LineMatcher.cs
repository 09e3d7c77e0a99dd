namespace Payments.Pipeline.Reconciliation;

/// <summary>What we recorded for the object a report line is about (a charge, refund or dispute), as its amount moved.</summary>
internal sealed record Recorded(string ChargeId, string Currency, long Amount, string Status);

/// <summary>What a report line comes to.</summary>
internal abstract record LineOutcome
{
    private LineOutcome()
    {
    }

    public abstract string? ChargeId { get; }

    /// <summary>We recorded the same movement: the line is matched.</summary>
    public sealed record Matched(string ChargeId) : LineOutcome
    {
        public override string? ChargeId { get; } = ChargeId;
    }

    /// <summary>The PSP proves a movement of our charge that we have not recorded: the lifecycle applies it.</summary>
    public sealed record Heal(string Kind, string ChargeId, string Detail) : LineOutcome
    {
        public override string? ChargeId { get; } = ChargeId;
    }

    /// <summary>The line and our records disagree, or it is not ours: an operator looks; no money moves.</summary>
    public sealed record Discrepancy(string Kind, string? ChargeId, long? ExpectedAmount, string? ExpectedCurrency, string Detail) : LineOutcome
    {
        public override string? ChargeId { get; } = ChargeId;
    }
}

/// <summary>
/// Matches one report line to what we recorded, without I/O. The PSP's line is the truth about
/// money that moved: a movement of our charge we missed is healed through the lifecycle (which
/// reads the PSP again and moves forward only); anything else that disagrees is a discrepancy.
/// </summary>
internal static class LineMatcher
{
    /// <param name="charge">Our charge of the line's PaymentIntent, if any.</param>
    /// <param name="subject">Our refund or dispute the line names (null for a charge line, or when we have none).</param>
    public static LineOutcome Decide(SettlementLine line, Recorded? charge, Recorded? subject)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (charge is null)
        {
            return new LineOutcome.Discrepancy(DiscrepancyKinds.UnknownAtPsp, null, null, null, line.ChargeIdMetadata is null
                ? $"a {line.Category} of {line.PaymentIntentId ?? line.PayoutId}, made at the PSP directly: no charge of ours"
                : $"a {line.Category} of {line.PaymentIntentId ?? line.PayoutId} naming {line.ChargeIdMetadata}, which we never sent");
        }

        if (!string.Equals(charge.Currency, line.Currency, StringComparison.Ordinal))
        {
            return new LineOutcome.Discrepancy(DiscrepancyKinds.CurrencyMismatch, charge.ChargeId, charge.Amount, charge.Currency,
                $"the PSP reports {line.Currency}, the charge is in {charge.Currency}");
        }

        return line.Category switch
        {
            "charge" => Capture(line, charge),
            "refund" => Moved(line, charge, subject, -line.Gross, "succeeded", DiscrepancyKinds.MissedRefund, "refund"),
            "dispute" => Moved(line, charge, subject, -line.Gross, null, DiscrepancyKinds.MissedDispute, "dispute"),
            "dispute_reversal" => Moved(line, charge, subject, line.Gross, "won", DiscrepancyKinds.MissedDisputeReversal, "dispute won"),
            _ => new LineOutcome.Discrepancy(DiscrepancyKinds.UnknownAtPsp, charge.ChargeId, null, null, $"a {line.Category} line: this service records no {line.Category}s yet"),
        };
    }

    private static LineOutcome Capture(SettlementLine line, Recorded charge) => charge.Status switch
    {
        "captured" when charge.Amount == line.Gross => new LineOutcome.Matched(charge.ChargeId),
        "captured" => new LineOutcome.Discrepancy(DiscrepancyKinds.AmountMismatch, charge.ChargeId, charge.Amount, charge.Currency,
            $"the PSP captured {line.Gross}, we recorded {charge.Amount}"),
        "pending" or "authorized" => new LineOutcome.Heal(DiscrepancyKinds.MissedCapture, charge.ChargeId,
            $"the PSP captured {line.Gross} of a charge we had as {charge.Status}: read and applied through the lifecycle"),
        _ => new LineOutcome.Discrepancy(DiscrepancyKinds.AmountMismatch, charge.ChargeId, 0, charge.Currency,
            $"the PSP captured {line.Gross} of a charge we recorded as {charge.Status}"),
    };

    /// <summary>A refund, dispute or reversal: ours in the end state it reports, or missed and healed.</summary>
    private static LineOutcome Moved(SettlementLine line, Recorded charge, Recorded? ours, long amount, string? endStatus, string missedKind, string what)
    {
        if (ours is null || (endStatus is not null && ours.Status != endStatus && ours.Amount == amount))
        {
            return new LineOutcome.Heal(missedKind, charge.ChargeId,
                $"the PSP reports a {what} of {amount} we had {(ours is null ? "not recorded" : "as " + ours.Status)}: read and applied through the lifecycle");
        }

        return ours.Amount == amount
            ? new LineOutcome.Matched(charge.ChargeId)
            : new LineOutcome.Discrepancy(DiscrepancyKinds.AmountMismatch, charge.ChargeId, ours.Amount, ours.Currency,
                $"the PSP reports a {what} of {amount}, we recorded {ours.Amount}");
    }
}

/// <summary>The kinds of discrepancy: the contract's open ones, and the healed ones (what the PSP proved we had missed).</summary>
internal static class DiscrepancyKinds
{
    public const string MissingAtPsp = "missing_at_psp";
    public const string UnknownAtPsp = "unknown_at_psp";
    public const string AmountMismatch = "amount_mismatch";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string DuplicateLine = "duplicate_line";
    public const string BalanceMismatch = "balance_mismatch";
    public const string MissedCapture = "missed_capture";
    public const string MissedRefund = "missed_refund";
    public const string MissedDispute = "missed_dispute";
    public const string MissedDisputeReversal = "missed_dispute_reversal";
}
