namespace PspSimulator.Disputes;

/// <summary>One dispute; <see cref="Status"/> changes only under its PaymentIntent's lock.</summary>
internal sealed class DisputeState(string id, string paymentIntent, long amount, string currency, long fee, string reason, long created)
{
    public string Id { get; } = id;

    public string PaymentIntent { get; } = paymentIntent;

    public long Amount { get; } = amount;

    public string Currency { get; } = currency;

    public long Fee { get; } = fee;

    public string Reason { get; } = reason;

    public long Created { get; } = created;

    public string Status { get; set; } = DisputeStatus.NeedsResponse;

    public bool IsOpen => DisputeStatus.IsOpen(Status);

    /// <summary>What went back to the cardholder for good: the amount of a dispute lost, else nothing.</summary>
    public long ChargedBack => Status == DisputeStatus.Lost ? Amount : 0;

    public DisputeDto ToDto() => new(Id, "dispute", PaymentIntent, Amount, Currency, Fee, Reason, Status, Created);
}
