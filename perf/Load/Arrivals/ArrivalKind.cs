namespace Payments.Load.Arrivals;

internal enum ArrivalKind
{
    /// <summary>A new charge with a fresh idempotency key.</summary>
    Fresh,

    /// <summary>A new charge sent twice at the same moment with one key (a double click).</summary>
    ConcurrentDuplicate,

    /// <summary>An earlier request sent again with its key and body (a client retry).</summary>
    Retry,
}
