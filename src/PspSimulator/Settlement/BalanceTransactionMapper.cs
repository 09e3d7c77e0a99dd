using PspSimulator.Protocol;
using PspSimulator.Truth;

namespace PspSimulator.Settlement;

/// <summary>
/// The one place that says which money movement is which balance transaction, with the contract's signs,
/// fee and ids per <c>reporting_category</c>:
/// <list type="bullet">
/// <item><c>charge</c>: + captured, the PSP's fee, <c>payment_intent_id</c> and <c>charge_id_metadata</c>.</item>
/// <item><c>refund</c>: − refunded, no fee, plus <c>refund_id</c> and <c>refund_id_metadata</c>.</item>
/// <item><c>dispute</c>: − disputed, the dispute fee (so net = −(amount + fee)), plus <c>dispute_id</c>.</item>
/// <item><c>dispute_reversal</c>: + disputed, no fee (the fee stays taken), ids as the dispute.</item>
/// <item><c>payout</c>: − paid out, no fee, <c>payout_id</c> and <c>payout_id_metadata</c>.</item>
/// <item><c>payout_failure</c>: + paid out (a failed or returned payout gives it back), ids as the payout.</item>
/// </list>
/// An authorization moves nothing into or out of the balance, and a dispute's fee is on the dispute's
/// own line, so neither is a line of its own. The report, the days and the balance take any line.
/// </summary>
internal sealed class BalanceTransactionMapper(FeeCalculator fees)
{
    /// <summary>The balance transaction a movement is, or null when it is none.</summary>
    public BalanceTransaction? From(MoneyMovement movement) => movement.Kind switch
    {
        MovementKind.Capture => Line(movement, ReportingCategories.Charge, movement.Amount, fees.ForCapture(movement.Amount)),
        MovementKind.Refund => Line(movement, ReportingCategories.Refund, -movement.Amount, 0),
        MovementKind.Dispute => Line(movement, ReportingCategories.Dispute, -movement.Amount, movement.DisputeFee),
        MovementKind.DisputeReversal => Line(movement, ReportingCategories.DisputeReversal, movement.Amount, 0),
        MovementKind.Payout => Line(movement, ReportingCategories.Payout, -movement.Amount, 0),
        MovementKind.PayoutFailure => Line(movement, ReportingCategories.PayoutFailure, movement.Amount, 0),
        MovementKind.Authorize or MovementKind.DisputeFee => null,
        _ => throw new ArgumentOutOfRangeException(nameof(movement), movement.Kind, "Unknown movement kind."),
    };

    private static BalanceTransaction Line(MoneyMovement movement, string category, long gross, long fee) => new(
        Ids.New("txn"),
        movement.Sequence,
        movement.At,
        category,
        movement.PaymentIntent,
        movement.Refund,
        gross,
        fee,
        movement.Currency,
        movement.ChargeId,
        movement.Dispute,
        movement.Payout,
        movement.PayoutIdMetadata,
        movement.RefundIdMetadata);
}
