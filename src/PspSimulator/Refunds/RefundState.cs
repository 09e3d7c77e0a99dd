namespace PspSimulator.Refunds;

/// <summary>One refund; <see cref="Status"/> changes only under its PaymentIntent's lock.</summary>
internal sealed class RefundState(string id, string paymentIntent, long amount, string currency, IReadOnlyDictionary<string, string> metadata, long created)
{
    public string Id { get; } = id;

    public string PaymentIntent { get; } = paymentIntent;

    public long Amount { get; } = amount;

    public string Currency { get; } = currency;

    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;

    public long Created { get; } = created;

    public string Status { get; set; } = RefundStatus.Pending;

    public RefundDto ToDto() => new(Id, "refund", Amount, Currency, PaymentIntent, Status, Metadata, Created);
}
