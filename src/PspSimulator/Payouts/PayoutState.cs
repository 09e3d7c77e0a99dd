namespace PspSimulator.Payouts;

/// <summary>
/// One payout. Its mutable members change only under <see cref="Gate"/>, together with the movement and
/// the event of the change. Its times are fixed at creation, in unix seconds of the simulator clock;
/// <see cref="ReturnAt"/> is set only for a destination the bank returns after paying.
/// </summary>
internal sealed class PayoutState(
    string id,
    CreatePayoutRequest request,
    long created,
    long inTransitAt,
    long arrivalDate,
    long? returnAt,
    string? idempotencyKey)
{
    public object Gate => this;

    public string Id { get; } = id;

    public CreatePayoutRequest Request { get; } = request;

    public long Created { get; } = created;

    public long InTransitAt { get; } = inTransitAt;

    public long ArrivalDate { get; } = arrivalDate;

    public long? ReturnAt { get; } = returnAt;

    /// <summary>The key of the request that created it; its movements carry it.</summary>
    public string? IdempotencyKey { get; } = idempotencyKey;

    public string Status { get; set; } = PayoutStatus.Pending;

    public string? FailureCode { get; set; }

    /// <summary>Unix seconds of the last change; retention counts from it.</summary>
    public long LastChangedAt { get; set; } = created;

    /// <summary>When the next step by the clock is due, or null when none is to come.</summary>
    public long? NextDue => Status switch
    {
        PayoutStatus.Pending => InTransitAt,
        PayoutStatus.InTransit => ArrivalDate,
        PayoutStatus.Paid => ReturnAt,
        _ => null,
    };

    /// <summary>
    /// Whether pruning may forget it: never while money may still move (pending, in transit, or paid to a
    /// destination that will return it), or its failure would be lost.
    /// </summary>
    public bool IsSettled => Status == PayoutStatus.Failed || (Status == PayoutStatus.Paid && ReturnAt is null);

    public PayoutDto ToDto() => new(
        Id,
        "payout",
        Request.Amount,
        Request.Currency,
        Request.Destination,
        Status,
        FailureCode,
        ArrivalDate,
        Request.Metadata,
        Created);
}
