namespace Payments.Load.Arrivals;

/// <summary>
/// One arrival of the schedule: <paramref name="Number"/> fixes its send time; the logical
/// request it carries is <paramref name="Request"/> (its own number, or an earlier one for a retry).
/// </summary>
internal readonly record struct Arrival(long Number, ArrivalKind Kind, long Request);
