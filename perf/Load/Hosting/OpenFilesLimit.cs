using System.Globalization;

namespace Payments.Load.Hosting;

/// <summary>
/// Every connection is a file descriptor, in the runner and in the service. The runtime raises
/// its own soft limit to the hard one at start, so the hard limit is what counts; read it from
/// <c>/proc/self/limits</c> and say plainly when the run may need more.
/// </summary>
internal static class OpenFilesLimit
{
    public static (long Soft, long Hard)? Read()
    {
        const string path = "/proc/self/limits";
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (Parse(parts[0]), Parse(parts[1]));
        }

        return null;

        static long Parse(string value) => value == "unlimited" ? long.MaxValue : long.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The connections a run may hold: the rate times how long an answer may take (the service's
    /// bounded wait, 2 s by default, or a few milliseconds with respond-async), with a margin.
    /// </summary>
    public static long ExpectedConnections(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var answerSeconds = options.RespondAsync ? 0.25 : 2.5;
        var requestsPerArrival = 1 + options.DuplicateShare;
        return (long)Math.Ceiling(options.Rate * requestsPerArrival * answerSeconds * 1.5) + 256;
    }
}
