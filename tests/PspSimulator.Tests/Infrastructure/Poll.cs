using System.Diagnostics;

namespace PspSimulator.Tests.Infrastructure;

/// <summary>Eventual outcomes: ask again until true or the deadline passes (never a fixed sleep).</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail("Timed out after " + timeout + " waiting for " + what + ".");
            }

            await Task.Delay(20);
        }
    }
}
