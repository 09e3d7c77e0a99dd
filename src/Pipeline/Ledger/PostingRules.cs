namespace Payments.Pipeline.Ledger;

/// <summary>
/// The posting rules (invariant 5): what every journal the service writes contains. The
/// accounts and signs live in the database's <c>ledger_postings</c> (0009_posting_rules.sql),
/// used by every statement that posts; the fee and its rounding live here. A capture of A with
/// fee F: <c>psp_receivable</c> +A, <c>merchant_payable:&lt;merchant&gt;</c> −(A − F),
/// <c>platform_fee_revenue</c> −F. A refund of R: <c>psp_receivable</c> −R, the merchant's payable
/// +R (the platform keeps its fee). A dispute of D with the PSP's dispute fee G (0012_disputes.sql):
/// <c>psp_receivable</c> −(D + G), the merchant's payable +(D + G); won, D comes back both ways and
/// G never does. So for every merchant, payable = captured − refunded − fees − disputes lost −
/// dispute fees. The PSP's fee P on a capture, from its settlement report (0014_psp_fees.sql):
/// <c>psp_fees</c> +P, <c>psp_receivable</c> −P, so that <c>psp_receivable</c> is what the PSP holds.
/// A charge with splits (0020_sellers_and_splits.sql) captured at C: each seller's payable
/// <c>seller_payable:&lt;seller&gt;</c> is credited its split s, and the merchant's takes the rest,
/// −(C − F − Σs). A refund, dispute or dispute won of X is taken from (or given back to) each seller
/// as floor(X × s / C), and from the merchant as the rest (and a dispute's fee G from the merchant
/// alone), so the rounding falls to the merchant. The merchant's entry is always the remainder,
/// so every journal balances, even for a capture the PSP made for less than the splits and the fee.
/// </summary>
internal static class PostingRules
{
    /// <summary>The movements <c>ledger_postings</c> knows.</summary>
    public const string Capture = "capture";
    public const string Refund = "refund";
    public const string Dispute = "dispute";
    public const string DisputeWon = "dispute_won";
    public const string PspFee = "psp_fee";

    /// <summary>
    /// The platform's fee on a capture of <paramref name="amount"/> minor units: basis points rounded
    /// half up, plus the fixed part, never more than the amount itself.
    /// </summary>
    public static long Fee(long amount, int basisPoints, long fixedPart)
    {
        var proportional = checked((amount * basisPoints) + 5_000) / 10_000;
        return Math.Min(amount, proportional + fixedPart);
    }
}
