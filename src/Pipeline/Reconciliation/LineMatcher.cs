namespace Payments.Pipeline.Reconciliation;

/// <summary>What we recorded for the object a report line is about (a charge, refund or dispute), as its amount moved.</summary>
internal sealed record Recorded(string ChargeId, string Currency, long Amount, string Status);

/// <summary>What we recorded of a payout a report line is about; <paramref name="Sent"/> once the PSP showed it made it.</summary>
internal sealed record RecordedPayout(string PayoutId, string? PspReference, string Currency, long Amount, string Status, bool Sent);

/// <summary>What a report line comes to.</summary>
internal abstract record LineOutcome
{
    private LineOutcome()
    {
    }

    public abstract string? ChargeId { get; }

    /// <summary>We recorded the same movement: the line is matched (a payout's has no charge).</summary>
    public sealed record Matched(string? ChargeId) : LineOutcome
    {
        public override string? ChargeId { get; } = ChargeId;
    }

    /// <summary>
    /// The PSP proves a movement of our charge (or of our payout, <paramref name="PayoutId"/>, with no
    /// charge) that we have not recorded: the lifecycle applies it.
    /// </summary>
    public sealed record Heal(string Kind, string? ChargeId, string Detail, string? PayoutId = null) : LineOutcome
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
    /// <summary>
    /// A payout or payout failure line, matched to our payout by the id we sent (or the PSP's id).
    /// A payout we have not seen made, or not seen fail, is healed by reading it; one we recorded
    /// as never made contradicts the PSP, which an operator must see.
    /// </summary>
    public static LineOutcome DecidePayout(SettlementLine line, RecordedPayout? ours)
    {
        ArgumentNullException.ThrowIfNull(line);
        var amount = Math.Abs(line.Gross);
        if (ours is null)
        {
            return new LineOutcome.Discrepancy(DiscrepancyKinds.UnknownAtPsp, null, null, null, line.PayoutIdMetadata is null
                ? $"a {line.Category} of {line.PayoutId}, made at the PSP directly: no payout of ours"
                : $"a {line.Category} of {line.PayoutId} naming {line.PayoutIdMetadata}, which we never sent");
        }

        if (!string.Equals(ours.Currency, line.Currency, StringComparison.Ordinal))
        {
            return new LineOutcome.Discrepancy(DiscrepancyKinds.CurrencyMismatch, null, ours.Amount, ours.Currency,
                $"the PSP reports {line.Currency} for payout {ours.PayoutId}, which is in {ours.Currency}");
        }

        if (ours.Amount != amount)
        {
            return new LineOutcome.Discrepancy(DiscrepancyKinds.AmountMismatch, null, ours.Amount, ours.Currency,
                $"the PSP reports a {line.Category} of {amount} for payout {ours.PayoutId}, we recorded {ours.Amount}");
        }

        var failure = line.Category == "payout_failure";
        return (failure, ours.Status, ours.Sent) switch
        {
            (false, _, true) or (true, "failed", true) => new LineOutcome.Matched(null),
            (_, "failed", false) => new LineOutcome.Discrepancy(DiscrepancyKinds.UnknownAtPsp, null, ours.Amount, ours.Currency,
                $"the PSP reports a {line.Category} of payout {ours.PayoutId}, which we recorded as never made"),
            (false, _, false) => new LineOutcome.Heal(DiscrepancyKinds.MissedPayout, null,
                $"the PSP made payout {ours.PayoutId} ({line.PayoutId}) we had not seen made: read and applied through the lifecycle", ours.PayoutId),
            _ => new LineOutcome.Heal(DiscrepancyKinds.MissedPayoutFailure, null,
                $"the PSP reports payout {ours.PayoutId} failed, we had it {ours.Status}: read and applied through the lifecycle", ours.PayoutId),
        };
    }

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
    public const string MissedPayout = "missed_payout";
    public const string MissedPayoutFailure = "missed_payout_failure";
}
