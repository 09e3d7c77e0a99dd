namespace Payments.Load.Measuring;

/// <summary>
/// One second of the run: arrivals started and answers received in it, requests in flight at
/// its end and at most during it, accepted charges, errors, sampled charges still polled, and
/// each watched process's CPU (percent of one core) and resident memory.
/// </summary>
internal sealed record TimelineSample(
    int Second,
    long Sent,
    long Answered,
    long Accepted,
    long Errors,
    long InFlight,
    long MaxInFlight,
    long Polling,
    Dictionary<string, double> CpuPercent,
    Dictionary<string, double> RssMib);
