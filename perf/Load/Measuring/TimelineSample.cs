namespace Payments.Load.Measuring;

/// <summary>
/// One second of the run: arrivals the pacer started, requests sent and answers received in it,
/// requests in flight at its end and at most during it, accepted charges, errors (of which
/// refusals: answers that accepted no charge; the rest got no answer or were dropped in the
/// runner), the accept latency of the charges accepted in it (null when none was), sampled
/// charges still polled, and each watched process's CPU (percent of one core) and resident memory.
/// </summary>
internal sealed record TimelineSample(
    int Second,
    long Arrivals,
    long Sent,
    long Answered,
    long Accepted,
    long Errors,
    long Refused,
    LatencySummary? Accept,
    long InFlight,
    long MaxInFlight,
    long Polling,
    Dictionary<string, double> CpuPercent,
    Dictionary<string, double> RssMib);
