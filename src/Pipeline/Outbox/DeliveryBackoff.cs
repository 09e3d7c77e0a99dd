namespace Payments.Pipeline.Outbox;

/// <summary>
/// The wait before the next attempt: the base doubled per failed attempt, capped, then
/// jittered down to between half and all of it, so that the deliveries an outage failed
/// together do not all come back at the same instant.
/// </summary>
internal static class DeliveryBackoff
{
    public static TimeSpan After(int failedAttempts, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var ceiling = Math.Min(baseDelay.Ticks * Math.Pow(2, exponent), maxDelay.Ticks);
        return TimeSpan.FromTicks((long)(ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5))));
    }
}
