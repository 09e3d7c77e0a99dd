namespace Payments.Load.Reporting;

/// <summary>The options of a run as the report shows them: everything but the merchant key.</summary>
internal sealed record RunSettings(
    string RunId,
    string ServiceUrl,
    string? SimulatorUrl,
    int Rate,
    int DurationSeconds,
    int WarmupSeconds,
    bool RespondAsync,
    double RetryShare,
    double DuplicateShare,
    double DeclineShare,
    double FinalSampleShare,
    int FinalBoundSeconds,
    int MaxConnections)
{
    public static RunSettings From(LoadOptions options, int maxConnections)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RunSettings(
            options.RunId, options.ServiceUrl.ToString(), options.SimulatorUrl?.ToString(), options.Rate, options.DurationSeconds, options.WarmupSeconds,
            options.RespondAsync, options.RetryShare, options.DuplicateShare, options.DeclineShare, options.FinalSampleShare, options.FinalBoundSeconds, maxConnections);
    }
}
