using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Charges.Lifecycle;

/// <summary>
/// The charge's lifecycle, decided in one place and without I/O (invariant 4: state only moves
/// forward). <see cref="Moves"/> is every allowed move, one row each; any (status, fact) pair not
/// in it changes nothing, except a PaymentIntent still in motion, which keeps a pending charge
/// pending. The state machine, the webhook handler and the step that ends a capture or void all
/// ask this table; none decides for itself.
/// </summary>
internal static class ChargeLifecycle
{
    /// <summary>Every allowed move: (from, fact) → to.</summary>
    public static IReadOnlyDictionary<(string From, string Fact), string> Moves { get; } = new Dictionary<(string, string), string>
    {
        [(ChargeStatus.Pending, ChargeFacts.IntentSucceeded)] = ChargeStatus.Captured,
        [(ChargeStatus.Pending, ChargeFacts.IntentRequiresCapture)] = ChargeStatus.Authorized,
        [(ChargeStatus.Pending, ChargeFacts.IntentRequiresPaymentMethod)] = ChargeStatus.Failed,
        [(ChargeStatus.Pending, ChargeFacts.IntentCanceled)] = ChargeStatus.Failed,
        [(ChargeStatus.Pending, ChargeFacts.Declined)] = ChargeStatus.Failed,
        [(ChargeStatus.Pending, ChargeFacts.Refused)] = ChargeStatus.Failed,
        [(ChargeStatus.Pending, ChargeFacts.ProvenNotCarriedOut)] = ChargeStatus.Failed,
        [(ChargeStatus.Authorized, ChargeFacts.IntentSucceeded)] = ChargeStatus.Captured,
        [(ChargeStatus.Authorized, ChargeFacts.IntentCanceled)] = ChargeStatus.Voided,
    };

    /// <summary>What <paramref name="fact"/> does to the charge as <paramref name="row"/> shows it now.</summary>
    public static ChargeDecision Decide(ChargeRow row, ChargeFact fact)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(fact);
        if (!Moves.TryGetValue((row.Status, fact.Name), out var to))
        {
            return row.Status == ChargeStatus.Pending && fact.Name == ChargeFacts.IntentInMotion
                ? new ChargeDecision.StayPending(PendingReason.OutcomeUnknown)
                : new ChargeDecision.Ignore();
        }

        return fact switch
        {
            ChargeFact.IntentShown shown => Follow(row, shown.Intent, to),
            ChargeFact.Declined declined => new ChargeDecision.Move(to, declined.PaymentIntentId, 0, 0, declined.Code, declined.Message, "declined by the PSP"),
            ChargeFact.Refused refused => new ChargeDecision.Move(to, null, 0, 0, "psp_invalid_request", refused.Message, $"refused by the PSP ({refused.Status} {refused.Type})"),
            ChargeFact.ProvenNotCarriedOut proven => new ChargeDecision.Move(to, null, 0, 0, proven.Code, proven.Message, "proven not carried out"),
            _ => throw new ArgumentOutOfRangeException(nameof(fact), fact, "Unknown fact."),
        };
    }

    /// <summary>Whether a webhook showing a PaymentIntent in <paramref name="intentStatus"/> may move a charge in <paramref name="status"/> (then it is read).</summary>
    public static bool MayMove(string status, string? intentStatus) =>
        status == ChargeStatus.Pending || Moves.ContainsKey((status, ChargeFacts.ForIntentStatus(intentStatus ?? "")));

    public static bool IsFinal(string status) => !Moves.Keys.Any(k => k.From == status);

    private static ChargeDecision.Move Follow(ChargeRow row, PaymentIntent intent, string to) => to switch
    {
        // A partial capture keeps what was authorized; an automatic one authorized what it received.
        ChargeStatus.Captured => new(to, intent.Id, Math.Max(row.AmountAuthorized, intent.AmountReceived), intent.AmountReceived, null, null, "PaymentIntent succeeded"),
        ChargeStatus.Authorized => new(to, intent.Id, intent.AmountCapturable, 0, null, null, "PaymentIntent requires capture"),
        // Expired at the PSP, or canceled by a request: this API's void, or someone at the PSP directly.
        ChargeStatus.Voided when intent.CancellationReason == PaymentIntent.Expired =>
            new(to, intent.Id, row.AmountAuthorized, 0, null, null, "authorization expired at the PSP", CancellationReasons.Expired),
        ChargeStatus.Voided => new(to, intent.Id, row.AmountAuthorized, 0, null, null,
            $"PaymentIntent canceled ({intent.CancellationReason ?? "no reason given"})", CancellationReasons.Requested),
        _ when intent.Status == "canceled" => new(to, intent.Id, 0, 0, "canceled", "The PaymentIntent was canceled.", "PaymentIntent canceled"),
        _ => new(to, intent.Id, 0, 0, intent.FailureCode ?? "card_declined", intent.FailureMessage ?? "The card was declined.", "PaymentIntent declined"),
    };
}
