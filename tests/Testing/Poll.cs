using System.Diagnostics;

namespace Payments.Testing;

/// <summary>
/// Eventual outcomes, asked again until they hold or the deadline passes: never a fixed sleep.
/// The one poll of the service's tests (the simulator's tests keep their own: they share no code with the service).
/// </summary>
public static class Poll
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds; fails naming <paramref name="what"/> at the deadline.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(condition, ok => ok, _ => what, timeout);

    /// <summary>
    /// Probes until <paramref name="done"/> holds for the probed value and returns it; at the deadline
    /// fails with <paramref name="describe"/> of the last value seen.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, Func<T, string> describe, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(describe);
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Not reached within {limit.TotalSeconds} s: {describe(value)}");
            }

            await Task.Delay(Interval);
        }
    }
}
