using PspSimulator.Protocol;

namespace PspSimulator.PaymentIntents;

/// <summary>
/// One PaymentIntent. Its mutable members change only under <see cref="Gate"/>: every state change,
/// the money movement it records and the event it publishes happen in one critical section, so two
/// racing captures or refunds of the same intent can never both pass the amount checks.
/// </summary>
internal sealed class PaymentIntentState(string id, CreatePaymentIntentRequest request, long created)
{
    public Lock Gate { get; } = new();

    public string Id { get; } = id;

    public CreatePaymentIntentRequest Request { get; } = request;

    public long Created { get; } = created;

    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.FromUnixTimeSeconds(created);

    public string LatestCharge { get; } = Ids.New("py");

    public string Status { get; set; } = PaymentIntentStatus.RequiresPaymentMethod;

    public long AmountCapturable { get; set; }

    public long AmountReceived { get; set; }

    public long AmountRefunded { get; set; }

    public PaymentErrorDto? LastPaymentError { get; set; }

    public long? CanceledAt { get; set; }

    public List<string> RefundIds { get; } = [];

    public PaymentIntentDto ToDto() => new(
        Id,
        "payment_intent",
        Request.Amount,
        Request.Currency,
        Status,
        Request.CaptureMethod,
        AmountCapturable,
        AmountReceived,
        LatestCharge,
        Request.Metadata,
        LastPaymentError,
        Created,
        Request.Description,
        Request.PaymentMethod,
        CanceledAt);
}
