namespace Payments.Pipeline.Outbox;

/// <summary>
/// How one attempt ended, as it is written back: <c>delivered</c>, <c>pending</c> (retry after
/// <paramref name="RetryIn"/>), <c>failed</c> (parked after the last attempt) or <c>released</c>
/// (not attempted to the end because the instance stops: due again at once, attempt not counted).
/// </summary>
internal sealed record DeliveryOutcome(long Id, string EndpointId, string EventId, int Attempt, string Status, int? StatusCode, string? Error, TimeSpan RetryIn)
{
    public const string Delivered = "delivered";
    public const string Pending = "pending";
    public const string Failed = "failed";
    public const string Released = "released";
}
