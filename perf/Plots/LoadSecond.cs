namespace Payments.Plots;

/// <summary>
/// One second of a load run as the load chart draws it: arrivals the runner started, answers
/// that accepted a charge, answers that refused one, requests that got no answer (timeouts,
/// connection errors, arrivals dropped in the runner), requests in flight at the second's end,
/// the accept latency of the answers received in it (milliseconds; null when none was), and
/// each watched process's CPU in percent of one core.
/// </summary>
public sealed record LoadSecond(
    int Second,
    long Arrivals,
    long Accepted,
    long Refused,
    long Failed,
    long InFlight,
    double? AcceptP50Ms,
    double? AcceptP90Ms,
    double? AcceptP99Ms,
    IReadOnlyDictionary<string, double> CpuPercent);
