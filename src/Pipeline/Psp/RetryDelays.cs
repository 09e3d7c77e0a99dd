namespace Payments.Pipeline.Psp;

/// <summary>How long to wait before looking at an unresolved PSP step again, with jitter so that what failed together does not come back together.</summary>
internal static class RetryDelays
{
    /// <summary><paramref name="first"/> doubled per attempt up to <paramref name="max"/>, ±20 %.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan first, TimeSpan max)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 16);
        var delay = TimeSpan.FromTicks(Math.Min(max.Ticks, first.Ticks << exponent));
        return delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    /// <summary>A fixed wait stretched by up to half, so what waited together comes back spread out.</summary>
    public static TimeSpan Jittered(TimeSpan wait) => wait * (1 + (Random.Shared.NextDouble() * 0.5));
}
