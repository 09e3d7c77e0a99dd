using System.Diagnostics;
using System.Text.Json;
using Payments.Load.Running;

namespace Payments.Load.Verification;

/// <summary>
/// After the sending: every accepted charge final within the bound, none lost, no replay that
/// made a second charge, and, against the simulator's ground truth, no charge id with more
/// than one authorize or capture and our captured money equal to the PSP's, charge by charge.
/// These checks never bend to make a figure look better: a run that fails them failed.
/// </summary>
internal sealed class CorrectnessCheck(LoadOptions options, HttpClient http)
{
    private static readonly TimeSpan PollPause = TimeSpan.FromMilliseconds(500);

    public async Task<CorrectnessResult> RunAsync(RunLedger ledger, DateTimeOffset runStarted, long sendingEndedTimestamp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var service = new ServiceCharges(options, http);
        var bound = TimeSpan.FromSeconds(options.FinalBoundSeconds);
        var giveUp = bound + TimeSpan.FromSeconds(options.FinalGraceSeconds);

        // Finality: the service's pending list, narrowed to this run, until it is empty.
        double? secondsToAllFinal = null;
        long pendingAtBound = -1;
        double? boundCheckedAt = null;
        long pendingNow;
        while (true)
        {
            // The time of a pass is taken before it reads, so a charge it finds final was final then.
            var elapsed = Stopwatch.GetElapsedTime(sendingEndedTimestamp);
            pendingNow = (await service.ListRunAsync(runStarted, "pending", cancellationToken)).Count;
            if (elapsed >= bound && pendingAtBound < 0)
            {
                pendingAtBound = pendingNow;
                boundCheckedAt = elapsed.TotalSeconds;
            }

            if (pendingNow == 0)
            {
                secondsToAllFinal = elapsed.TotalSeconds;
                pendingAtBound = Math.Max(pendingAtBound, 0);
                break;
            }

            if (elapsed >= giveUp)
            {
                break;
            }

            await Task.Delay(PollPause, cancellationToken);
        }

        var charges = await service.ListRunAsync(runStarted, status: null, cancellationToken);
        var lost = ledger.AmountById.Keys.Count(id => !charges.ContainsKey(id));
        var statusCounts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var charge in charges.Values)
        {
            statusCounts[charge.Status] = statusCounts.GetValueOrDefault(charge.Status) + 1;
        }

        var ourCaptured = charges.Values.Sum(c => c.AmountCaptured);
        var withinBound = secondsToAllFinal is { } s && s <= options.FinalBoundSeconds;
        if (options.SimulatorUrl is null)
        {
            return new CorrectnessResult(ledger.AmountById.Count, charges.Count, lost, ledger.ReplayMismatches, statusCounts,
                pendingAtBound, boundCheckedAt, pendingNow, secondsToAllFinal, withinBound, ourCaptured, null, null, null, null, null);
        }

        var truth = await ReadTruthAsync(cancellationToken);
        var doubles = truth.CountsByChargeId.Count(c => charges.ContainsKey(c.Key) && IsDouble(c.Value));
        var doublesAnywhere = truth.CountsByChargeId.Count(c => IsDouble(c.Value));
        var pspCapturedById = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var movement in truth.Movements)
        {
            if (movement.Kind == "capture" && movement.ChargeId is { } id && charges.ContainsKey(id))
            {
                pspCapturedById[id] = pspCapturedById.GetValueOrDefault(id) + movement.Amount;
            }
        }

        var mismatches = charges.Values.Count(c => pspCapturedById.GetValueOrDefault(c.Id) != c.AmountCaptured);
        var pspCaptured = pspCapturedById.Values.Sum();

        // Money moved at the PSP for a charge the service answered with but can no longer show:
        // a lost charge that cost the customer money, the worst case of all.
        var unknown = truth.Movements.Count(m => m.ChargeId is { } id && ledger.AmountById.ContainsKey(id) && !charges.ContainsKey(id));
        return new CorrectnessResult(ledger.AmountById.Count, charges.Count, lost, ledger.ReplayMismatches, statusCounts,
            pendingAtBound, boundCheckedAt, pendingNow, secondsToAllFinal, withinBound, ourCaptured, pspCaptured, mismatches, doubles, doublesAnywhere, unknown);
    }

    private static bool IsDouble(MovementCountsDto counts) => counts.Authorize > 1 || counts.Capture > 1;

    private async Task<TruthDto> ReadTruthAsync(CancellationToken cancellationToken)
    {
        // Streamed: at the peak profile's 300,000 charges the truth is hundreds of megabytes.
        await using var stream = await http.GetStreamAsync(new Uri(options.SimulatorUrl!, "/_sim/truth"), cancellationToken);
        return await JsonSerializer.DeserializeAsync(stream, VerificationJsonContext.Default.TruthDto, cancellationToken)
            ?? throw new InvalidOperationException("The simulator answered an empty ground truth.");
    }
}
