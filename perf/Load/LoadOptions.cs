namespace Payments.Load;

/// <summary>Everything one load run needs, validated by <see cref="LoadCommand"/>.</summary>
internal sealed record LoadOptions(
    Uri ServiceUrl,
    string MerchantKey,
    Uri? SimulatorUrl,
    int Rate,
    int DurationSeconds,
    int WarmupSeconds,
    bool RespondAsync,
    double RetryShare,
    double DuplicateShare,
    double DeclineShare,
    double FinalSampleShare,
    int PollIntervalMs,
    int FinalBoundSeconds,
    int FinalGraceSeconds,
    int RequestTimeoutSeconds,
    int MaxConnections,
    int MaxSendWaitMs,
    int Seed,
    string? JsonPath,
    IReadOnlyList<string> Watch,
    string RunId)
{
    /// <summary>Arrivals during the warm-up: sent and checked for correctness, left out of the figures.</summary>
    public long WarmupArrivals => (long)Rate * WarmupSeconds;

    public long TotalArrivals => (long)Rate * (WarmupSeconds + DurationSeconds);
}
