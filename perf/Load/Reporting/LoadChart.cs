using System.Globalization;
using Payments.Load.Measuring;
using Payments.Plots;

namespace Payments.Load.Reporting;

/// <summary>The run's chart (perf/Plots), a PNG beside the JSON report, drawn from the timeline.</summary>
internal static class LoadChart
{
    public static string? Write(string jsonPath, IReadOnlyList<TimelineSample> timeline, LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(options);
        var pngPath = Path.ChangeExtension(jsonPath, ".png");
        var seconds = timeline.Select(s => new LoadSecond(
            s.Second,
            s.Arrivals,
            s.Accepted,
            s.Refused,
            s.Errors - s.Refused,
            s.InFlight,
            s.Accept?.P50,
            s.Accept?.P90,
            s.Accept?.P99,
            s.CpuPercent)).ToList();
        try
        {
            LoadPlot.Write(pngPath, string.Create(CultureInfo.InvariantCulture, $"{options.RunId} ({options.Rate}/s offered)"), seconds, options.WarmupSeconds);
            return pngPath;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or IOException or UnauthorizedAccessException)
        {
            // A chart that cannot be drawn (no native Skia for this platform, a full disk) must not
            // change the run's verdict: the JSON holds every figure.
            Console.WriteLine("chart not drawn: " + e.Message);
            return null;
        }
    }
}
