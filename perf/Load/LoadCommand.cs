using System.CommandLine;
using System.Globalization;

namespace Payments.Load;

/// <summary>The command line of the runner; every limit here keeps a run bounded and on loopback.</summary>
internal static class LoadCommand
{
    public static RootCommand Create(Func<LoadOptions, CancellationToken, Task<int>> run)
    {
        var url = new Option<string>("--url") { Description = "The service's base URL (loopback only).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var key = new Option<string>("--key") { Description = "The merchant's secret key (the run command prints it as 'Demo merchant key:').", Required = true };
        var simulator = new Option<string?>("--simulator-url") { Description = "The PSP simulator's base URL, for the ground-truth check (/_sim/truth); without it that check is skipped." };
        var rate = new Option<int>("--rate") { Description = "Arrivals per second, kept whatever the latency (open model).", DefaultValueFactory = _ => 1_000 };
        var duration = new Option<int>("--duration") { Description = "Measured seconds of sending, after the warm-up.", DefaultValueFactory = _ => 15 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of sending before the measured window (its charges are still checked).", DefaultValueFactory = _ => 3 };
        var respondAsync = new Option<bool>("--respond-async") { Description = "Send 'Prefer: respond-async': the answer comes once the intent is durable." };
        var retries = new Option<double>("--retry-share") { Description = "Share of arrivals that repeat an earlier request with its key (client retries).", DefaultValueFactory = _ => 0.02 };
        var duplicates = new Option<double>("--duplicate-share") { Description = "Share of arrivals sent twice at once with one key (concurrent duplicates).", DefaultValueFactory = _ => 0.01 };
        var declines = new Option<double>("--decline-share") { Description = "Share of new charges with a payment method the PSP declines.", DefaultValueFactory = _ => 0.0 };
        var sample = new Option<double>("--final-sample") { Description = "Share of new charges polled with GET /v1/charges/{id} until final (time to final).", DefaultValueFactory = _ => 0.005 };
        var poll = new Option<int>("--poll-interval-ms") { Description = "Pause between two polls of a sampled charge.", DefaultValueFactory = _ => 100 };
        var bound = new Option<int>("--final-bound") { Description = "Seconds after the last send by which every accepted charge must be final.", DefaultValueFactory = _ => 10 };
        var grace = new Option<int>("--final-grace") { Description = "Further seconds to wait for stragglers before the money check (they still fail the bound).", DefaultValueFactory = _ => 60 };
        var timeout = new Option<int>("--request-timeout") { Description = "Seconds a request may take before it counts as a timeout.", DefaultValueFactory = _ => 30 };
        var connections = new Option<int>("--max-connections") { Description = "Connections to the service at most (HTTP/1.1: one request each; more requests wait in the runner, and the wait counts in their latency); 0 = 2,048, or less under a low open-files limit.", DefaultValueFactory = _ => 0 };
        var sendWait = new Option<int>("--max-send-wait-ms") { Description = "How long an arrival may wait in the runner for a free connection before it is dropped (counted as 'dropped: runner backlog', never sent); 0 = wait until the request timeout.", DefaultValueFactory = _ => 1_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the retry/duplicate/decline choices.", DefaultValueFactory = _ => 42 };
        var watch = new Option<string[]>("--watch") { Description = "A process to report CPU and memory for, as name=pid (repeatable), e.g. --watch service=1234 --watch postgres=1240.", AllowMultipleArgumentsPerToken = false };
        var json = new Option<string?>("--json") { Description = "Where to write the report as JSON (default perf/results/load-<run id>.json under the working folder)." };

        var command = new RootCommand("Open-model load runner for the payment service: constant arrival rate, correctness against the PSP's ground truth.")
        {
            url, key, simulator, rate, duration, warmup, respondAsync, retries, duplicates, declines, sample, poll, bound, grace, timeout, connections, sendWait, seed, watch, json,
        };

        command.SetAction(async (result, cancellationToken) =>
        {
            // Checked here rather than in a parse validator, where defaults are not applied yet.
            var problems = Problems(
                ToUri(result.GetValue(url)), ToUri(result.GetValue(simulator)), result.GetValue(simulator) is not null, result.GetValue(rate),
                result.GetValue(duration), result.GetValue(warmup), result.GetValue(retries) + result.GetValue(duplicates),
                result.GetValue(declines), result.GetValue(sample)).ToList();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await Console.Error.WriteLineAsync(problem);
                }

                return 2;
            }

            var started = DateTimeOffset.UtcNow;
            // No long digit runs: 13 or more digits in a row that happen to pass the Luhn check
            // (one time in ten) are refused by the service as a card number, and every
            // request carries the run id.
            var runId = string.Create(CultureInfo.InvariantCulture, $"load-{started:yyyyMMdd}T{started:HHmmss}Z-{Random.Shared.Next(0x10000):x4}");
            var options = new LoadOptions(
                ToUri(result.GetValue(url))!,
                result.GetValue(key)!,
                ToUri(result.GetValue(simulator)),
                result.GetValue(rate),
                result.GetValue(duration),
                result.GetValue(warmup),
                result.GetValue(respondAsync),
                result.GetValue(retries),
                result.GetValue(duplicates),
                result.GetValue(declines),
                result.GetValue(sample),
                result.GetValue(poll),
                result.GetValue(bound),
                result.GetValue(grace),
                result.GetValue(timeout),
                result.GetValue(connections),
                result.GetValue(sendWait),
                result.GetValue(seed),
                result.GetValue(json),
                result.GetValue(watch) ?? [],
                runId);
            return await run(options, cancellationToken);
        });
        return command;
    }

    private static Uri? ToUri(string? text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;

    private static IEnumerable<string> Problems(Uri? url, Uri? simulator, bool simulatorGiven, int rate, int duration, int warmup, double repeats, double declines, double sample)
    {
        // Load goes to this machine only: anything else is refused before a request is made.
        if (url is null || !IsLoopback(url))
        {
            yield return "--url must be an absolute http URL on a loopback address.";
        }

        if (simulatorGiven && (simulator is null || !IsLoopback(simulator)))
        {
            yield return "--simulator-url must be an absolute http URL on a loopback address.";
        }

        if (rate is < 1 or > 50_000)
        {
            yield return "--rate must be from 1 to 50000 per second.";
        }

        if (duration is < 1 or > 300 || warmup is < 0 or > 60)
        {
            yield return "--duration must be 1..300 s and --warmup 0..60 s (runs are bounded).";
        }

        if (repeats is < 0 or > 0.5 || declines is < 0 or > 1 || sample is < 0 or > 1)
        {
            yield return "--retry-share plus --duplicate-share at most 0.5; --decline-share and --final-sample 0..1.";
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsAbsoluteUri && uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || uri.Host is "127.0.0.1" or "localhost" or "[::1]");
}
