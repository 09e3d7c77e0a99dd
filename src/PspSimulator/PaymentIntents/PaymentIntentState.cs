using PspSimulator.Disputes;
using PspSimulator.Protocol;

namespace PspSimulator.PaymentIntents;

/// <summary>
/// One PaymentIntent. Its mutable members change only under <see cref="Gate"/>: every state change,
/// the money movement it records and the event it publishes happen in one critical section, so two
/// racing captures or refunds of the same intent can never both pass the amount checks.
/// The gate is the object itself: one monitor per intent costs no extra allocation, and at 5,000
/// intents a second everything the simulator keeps per intent is paid for again by the GC.
/// </summary>
internal sealed class PaymentIntentState(string id, CreatePaymentIntentRequest request, long created)
{
    private List<string>? _refundIds;

    public object Gate => this;

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

    /// <summary>Unix seconds of the last change to the intent, its refunds or its dispute; retention counts from it.</summary>
    public long LastChangedAt { get; set; } = created;

    /// <summary>Unix seconds by which a manual capture must happen; set on entering <c>requires_capture</c>.</summary>
    public long? CaptureBefore { get; set; }

    public string? CancellationReason { get; set; }

    /// <summary>The PaymentIntent's dispute, at most one; it changes under this intent's lock too.</summary>
    public DisputeState? Dispute { get; set; }

    public IReadOnlyList<string> RefundIds => _refundIds ?? (IReadOnlyList<string>)[];

    public void AddRefund(string refundId) => (_refundIds ??= []).Add(refundId);

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
        CanceledAt,
        CaptureBefore,
        CancellationReason);
}
