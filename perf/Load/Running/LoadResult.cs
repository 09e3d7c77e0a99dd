using Payments.Load.Measuring;

namespace Payments.Load.Running;

/// <summary>What the sending phase measured (the measured window only, warm-up excluded).</summary>
internal sealed record LoadResult(
    long Arrivals,
    long MeasuredArrivals,
    long HttpRequests,
    double SendingSeconds,
    double AchievedArrivalRate,
    double AcceptedPerSecond,
    LatencySummary Accept,
    LatencySummary SendLag,
    LatencySummary TimeToFinal,
    long SampledNotFinal,
    long MaxInFlight,
    long ReplayMismatches,
    SortedDictionary<string, long> Outcomes,
    IReadOnlyList<CpuShare> CpuSplit,
    IReadOnlyList<TimelineSample> Timeline);
