using System.Globalization;
using System.Text.Json;
using Payments.Load;
using Payments.Load.Hosting;
using Payments.Load.Http;
using Payments.Load.Reporting;
using Payments.Load.Running;
using Payments.Load.Verification;

// An open-model load run against a running payment service, then its correctness check.
// Exit code 0 only when every correctness check passed; the figures never change it.
return await LoadCommand.Create(RunAsync).Parse(args).InvokeAsync();

static async Task<int> RunAsync(LoadOptions options, CancellationToken cancellationToken)
{
    var openFiles = OpenFilesLimit.Read();
    var expected = OpenFilesLimit.ExpectedConnections(options);
    // Not one connection per request in flight: when the service slows down, a pool as large
    // as the open-files limit opened tens of thousands of loopback connections, the kernel's
    // search for a free ephemeral port took a third of the machine, and the runner stalled
    // itself (peak profile, 2026-11-21). Requests beyond the pool wait in the client, and that
    // wait counts in their latency, which is measured from the scheduled send time.
    var maxConnections = options.MaxConnections > 0
        ? options.MaxConnections
        : (int)Math.Clamp((openFiles?.Soft ?? 65_536) - 512, 64, DefaultMaxConnections);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"open files: soft {openFiles?.Soft}, hard {openFiles?.Hard}; this run may hold about {expected} connections, the pool allows {maxConnections}."));
    if (openFiles is { } limits && limits.Soft < expected)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  advice: raise the limit before the run, e.g. `ulimit -n {Math.Max(expected * 2, 65_536)}` (needs a hard limit that high; it is {limits.Hard}); the service needs as many for its inbound and PSP connections."));
    }

    using var http = LoadHttpClient.Create(maxConnections, TimeSpan.FromSeconds(options.RequestTimeoutSeconds));
    if (await Preflight.CheckAsync(options, http, cancellationToken) is { } problem)
    {
        await Console.Error.WriteLineAsync(problem);
        return 2;
    }

    var started = DateTimeOffset.UtcNow;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"run {options.RunId}: {options.Rate}/s for {options.WarmupSeconds} s warm-up + {options.DurationSeconds} s to {options.ServiceUrl}{(options.RespondAsync ? " with Prefer: respond-async" : "")}; retries {options.RetryShare:P1}, concurrent duplicates {options.DuplicateShare:P1}"));
    var ledger = new RunLedger();
    using var run = new LoadRun(options, http, maxConnections, ledger, new ProcessWatch(options.Watch));
    LoadResult load;
    try
    {
        load = await run.RunAsync(cancellationToken);
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        await Console.Error.WriteLineAsync("Cancelled: no figures and no correctness verdict for a cut-short run.");
        return 130;
    }

    ConsoleReport.WriteLoad(load, options);

    // The final bound counts from the last send, not from the last answer: stragglers (timeouts,
    // polled samples) must not move the start of the clock.
    var correctness = await new CorrectnessCheck(options, http).RunAsync(ledger, started, run.SendingEndedTimestamp, cancellationToken);
    ConsoleReport.WriteCorrectness(correctness, options);

    var report = new RunReport(started, MachineInfo.Current(openFiles), RunSettings.From(options, maxConnections), load, correctness, correctness.Passed);
    var path = options.JsonPath ?? Path.Combine("perf", "results", options.RunId + ".json");
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    await using (var file = File.Create(path))
    {
        await JsonSerializer.SerializeAsync(file, report, ReportJsonContext.Default.RunReport, cancellationToken);
    }

    Console.WriteLine("report: " + Path.GetFullPath(path));
    if (LoadChart.Write(path, load.Timeline, options) is { } chart)
    {
        Console.WriteLine("chart: " + Path.GetFullPath(chart));
    }

    return correctness.Passed ? 0 : 1;
}

internal static partial class Program
{
    private const int DefaultMaxConnections = 2_048;
}
