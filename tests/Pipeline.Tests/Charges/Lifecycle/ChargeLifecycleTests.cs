using Payments.Pipeline.Charges;
using Payments.Pipeline.Charges.Lifecycle;
using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Tests.Charges.Lifecycle;

/// <summary>Every (status, fact) pair of the charge's lifecycle and what it comes to: the table, read as a test.</summary>
public sealed class ChargeLifecycleTests
{
    private const string Stays = "stays pending";
    private const string Ignored = "ignored";

    public static TheoryData<string, string, string> EveryPair()
    {
        var expected = new Dictionary<(string, string), string>
        {
            [("pending", ChargeFacts.IntentSucceeded)] = "captured",
            [("pending", ChargeFacts.IntentRequiresCapture)] = "authorized",
            [("pending", ChargeFacts.IntentRequiresPaymentMethod)] = "failed",
            [("pending", ChargeFacts.IntentCanceled)] = "failed",
            [("pending", ChargeFacts.IntentInMotion)] = Stays,
            [("pending", ChargeFacts.Declined)] = "failed",
            [("pending", ChargeFacts.Refused)] = "failed",
            [("pending", ChargeFacts.ProvenNotCarriedOut)] = "failed",
            [("authorized", ChargeFacts.IntentSucceeded)] = "captured",
            [("authorized", ChargeFacts.IntentCanceled)] = "voided",
        };
        var data = new TheoryData<string, string, string>();
        foreach (var status in new[] { "pending", "authorized", "captured", "failed", "voided" })
        {
            foreach (var fact in ChargeFacts.All)
            {
                data.Add(status, fact, expected.GetValueOrDefault((status, fact), Ignored));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Fact_moves_a_charge_only_forward(string status, string fact, string outcome)
    {
        var decision = ChargeLifecycle.Decide(Row(status), Fact(fact));

        var seen = decision switch
        {
            ChargeDecision.Move move => move.To,
            ChargeDecision.StayPending => Stays,
            _ => Ignored,
        };
        Assert.Equal(outcome, seen);
    }

    [Fact]
    public void Partial_capture_keeps_what_was_authorized_and_records_what_was_received()
    {
        var move = Assert.IsType<ChargeDecision.Move>(ChargeLifecycle.Decide(Row("authorized"), new ChargeFact.IntentShown(Intent("succeeded", received: 3000))));

        Assert.Equal(5000, move.Authorized);
        Assert.Equal(3000, move.Captured);
    }

    [Fact]
    public void Canceled_intent_voids_an_authorization_but_fails_a_charge_never_seen_authorized()
    {
        var voided = Assert.IsType<ChargeDecision.Move>(ChargeLifecycle.Decide(Row("authorized"), new ChargeFact.IntentShown(Intent("canceled"))));
        var failed = Assert.IsType<ChargeDecision.Move>(ChargeLifecycle.Decide(Row("pending"), new ChargeFact.IntentShown(Intent("canceled"))));

        Assert.Null(voided.FailureCode);
        Assert.Equal("canceled", failed.FailureCode);
    }

    [Theory]
    [InlineData("pending", "requires_capture", true)]
    [InlineData("pending", "processing", true)]
    [InlineData("authorized", "succeeded", true)]
    [InlineData("authorized", "canceled", true)]
    [InlineData("authorized", "requires_capture", false)]
    [InlineData("captured", "canceled", false)]
    [InlineData("voided", "succeeded", false)]
    public void Webhook_is_worth_a_read_only_when_its_state_could_move_the_charge(string status, string intentStatus, bool worth) =>
        Assert.Equal(worth, ChargeLifecycle.MayMove(status, intentStatus));

    [Theory]
    [InlineData("pending", false)]
    [InlineData("authorized", false)]
    [InlineData("captured", true)]
    [InlineData("failed", true)]
    [InlineData("voided", true)]
    public void Final_statuses_are_those_no_fact_moves(string status, bool final) =>
        Assert.Equal(final, ChargeLifecycle.IsFinal(status));

    private static ChargeRow Row(string status) => new(
        "ch_test", "mch_test", status, status == "pending" ? PendingReason.OutcomeUnknown : null, 5000, "USD", "pm_card_visa", Capture: status != "authorized",
        Description: null, PspReference: status == "pending" ? null : "pi_test", AmountAuthorized: status == "pending" ? 0 : 5000,
        AmountCaptured: status == "captured" ? 5000 : 0, AttemptCount: 1, PspKeySettledAt: null, Version: 3);

    private static PaymentIntent Intent(string status, long received = 5000) => new(
        "pi_test", status, 5000, "usd", status == "requires_capture" ? 5000 : 0, status == "succeeded" ? received : 0, "ch_test",
        status == "requires_payment_method" ? "card_declined" : null, null);

    private static ChargeFact Fact(string name) => name switch
    {
        ChargeFacts.IntentSucceeded => new ChargeFact.IntentShown(Intent("succeeded")),
        ChargeFacts.IntentRequiresCapture => new ChargeFact.IntentShown(Intent("requires_capture")),
        ChargeFacts.IntentRequiresPaymentMethod => new ChargeFact.IntentShown(Intent("requires_payment_method")),
        ChargeFacts.IntentCanceled => new ChargeFact.IntentShown(Intent("canceled")),
        ChargeFacts.IntentInMotion => new ChargeFact.IntentShown(Intent("processing")),
        ChargeFacts.Declined => new ChargeFact.Declined("pi_test", "insufficient_funds", "Your card has insufficient funds."),
        ChargeFacts.Refused => new ChargeFact.Refused(400, "invalid_request_error", "Refused."),
        _ => new ChargeFact.ProvenNotCarriedOut("psp_error", "Not carried out."),
    };
}
