using System.Text.Json;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Payouts;
using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Reconciliation;

/// <summary>
/// Reconciles one settlement day: every line of the PSP's report matched to what we recorded,
/// the PSP's fee of each capture posted, what the PSP proves we missed healed through the
/// lifecycle, everything else kept as a discrepancy for an operator, and the PSP's balance
/// compared with the ledger's. A date run again writes nothing twice (each line, journal and
/// discrepancy has a unique key); two runs of one date never run at once (one running run per date).
/// </summary>
internal sealed class Reconciler(
    PspClient psp, ReconciliationStore store, PayoutProcessor payouts, IOptions<ReconciliationOptions> options, ReconciliationMetrics metrics, ILogger<Reconciler> logger)
{
    // A heal is the charge's partition reading the PSP; the balance is compared once they are applied.
    private static readonly TimeSpan HealWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs the date against the PSP's report, once per <paramref name="idempotencyKey"/> when one is given.
    /// </summary>
    public async Task<RunStart> RunAsync(DateOnly date, string? idempotencyKey = null, byte[]? requestHash = null, CancellationToken cancellationToken = default)
    {
        var start = await store.StartAsync(date, idempotencyKey, requestHash, cancellationToken).ConfigureAwait(false);
        if (start is not RunStart.Started { RunId: var runId, Owner: var owner })
        {
            return start;
        }

        await using var _ = owner;
        await FailIfStoppedAsync(runId, async () =>
        {
            var report = await psp.GetSettlementReportAsync(date, cancellationToken).ConfigureAwait(false);
            switch (report)
            {
                case PspOutcome.TextRead text:
                    await ReconcileAsync(runId, date, text.Text, cancellationToken).ConfigureAwait(false);
                    break;
                case PspOutcome.NotFound:
                    await store.FailAsync(runId, $"the PSP has not closed {date:yyyy-MM-dd} yet", cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await store.FailAsync(runId, $"the PSP's report could not be read ({report})", cancellationToken).ConfigureAwait(false);
                    break;
            }
        }).ConfigureAwait(false);

        return start;
    }

    /// <summary>Runs the date if the PSP has closed it (its report exists) and no run of it completed; false otherwise.</summary>
    public async Task<bool> RunIfClosedAsync(DateOnly date, CancellationToken cancellationToken)
    {
        if (await psp.GetSettlementReportAsync(date, cancellationToken).ConfigureAwait(false) is not PspOutcome.TextRead report)
        {
            return false;
        }

        if (await store.StartAsync(date, null, null, cancellationToken).ConfigureAwait(false) is not RunStart.Started { RunId: var runId, Owner: var owner })
        {
            return false;
        }

        await using var _ = owner;
        await FailIfStoppedAsync(runId, () => ReconcileAsync(runId, date, report.Text, cancellationToken)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A run that stops on an error or a shutdown ends failed at once, so its date is free for the
    /// next run; a run whose process died freed its date's lock with its session, and the next start
    /// fails it as abandoned (<see cref="RunOwner"/>).
    /// </summary>
    private async Task FailIfStoppedAsync(string runId, Func<Task> run)
    {
        try
        {
            await run().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await store.FailAsync(runId, "the run stopped: " + e.GetType().Name, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reconciles a report already fetched (the run <paramref name="runId"/> is running).</summary>
    internal async Task ReconcileAsync(string runId, DateOnly date, string csv, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var parsed = SettlementReport.Parse(csv);
        if (parsed is ParsedReport.Refused refused)
        {
            await store.FailAsync(runId, "malformed report, " + refused.Reason, cancellationToken).ConfigureAwait(false);
            Log.ReconciliationFailed(logger, date, refused.Reason);
            return;
        }

        var lines = ((ParsedReport.Read)parsed).Lines;

        var (seenLines, seenObjects) = await store.SeenAsync(lines, cancellationToken).ConfigureAwait(false);
        var (charges, subjects) = await store.RecordedAsync(lines, cancellationToken).ConfigureAwait(false);
        var recordedPayouts = await store.RecordedPayoutsAsync(lines, cancellationToken).ConfigureAwait(false);
        var inReport = new HashSet<string>(StringComparer.Ordinal);
        var objectsInReport = new Dictionary<(string, string), string>();
        var decided = new List<(SettlementLine Line, LineOutcome Outcome)>();
        foreach (var line in lines)
        {
            var subject = ReconciliationStore.ObjectOf(line) ?? "";
            var charge = line.PaymentIntentId is { } pi ? charges.GetValueOrDefault(pi) : null;
            if (!inReport.Add(line.BalanceTransactionId)
                || (objectsInReport.TryGetValue((line.Category, subject), out var first) && first != line.BalanceTransactionId)
                || (seenObjects.TryGetValue((line.Category, subject), out var earlier) && earlier != line.BalanceTransactionId))
            {
                decided.Add((line, new LineOutcome.Discrepancy(DiscrepancyKinds.DuplicateLine, charge?.ChargeId, null, null,
                    $"line {line.LineNumber} reports a {line.Category} of {subject} a second time ({line.BalanceTransactionId})")));
                continue;
            }

            objectsInReport[(line.Category, subject)] = line.BalanceTransactionId;
            if (!seenLines.Contains(line.BalanceTransactionId))
            {
                decided.Add((line, line.Category is "payout" or "payout_failure"
                    ? LineMatcher.DecidePayout(line, recordedPayouts.GetValueOrDefault(line.PayoutId ?? ""))
                    : LineMatcher.Decide(line, charge, line.Category == "charge" ? null : subjects.GetValueOrDefault(subject))));
            }
        }

        var posted = await store.RecordAsync(runId, date, decided, cancellationToken).ConfigureAwait(false);
        foreach (var (line, outcome) in decided)
        {
            if (outcome is LineOutcome.Heal { PayoutId: { } payoutId })
            {
                // A payout's heal is a read of the PSP's payout applied through its lifecycle, here and now.
                await payouts.HealAsync(payoutId, line.PayoutId!, cancellationToken).ConfigureAwait(false);
            }
        }

        var heals = ReconciliationStore.HealedCharges(decided);
        var waitUntil = DateTime.UtcNow + HealWait;
        while (heals.Count > 0 && await store.PendingHealsAsync(heals, cancellationToken).ConfigureAwait(false) > 0 && DateTime.UtcNow < waitUntil)
        {
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        var missing = await store.RecordMissingAtPspAsync(runId, options.Value.LateWindow, cancellationToken).ConfigureAwait(false);
        var (pspBalance, ledgerBalance) = await store.BalancesAsync(date, cancellationToken).ConfigureAwait(false);
        var mismatches = 0;
        foreach (var currency in pspBalance.Keys.Union(ledgerBalance.Keys).Order(StringComparer.Ordinal))
        {
            if (pspBalance.GetValueOrDefault(currency) != ledgerBalance.GetValueOrDefault(currency))
            {
                mismatches++;
                await store.RecordBalanceMismatchAsync(runId, date, currency, pspBalance.GetValueOrDefault(currency), ledgerBalance.GetValueOrDefault(currency), cancellationToken).ConfigureAwait(false);
            }
        }

        var counts = (
            Lines: lines.Count,
            Matched: decided.Count(d => d.Outcome is LineOutcome.Matched),
            Healed: decided.Count(d => d.Outcome is LineOutcome.Heal),
            Discrepancies: decided.Count(d => d.Outcome is LineOutcome.Discrepancy) + mismatches + missing);
        if (!await store.CompleteAsync(runId, counts, BalanceJson(pspBalance), BalanceJson(ledgerBalance), cancellationToken).ConfigureAwait(false))
        {
            // Its date's lock was lost (the session broke) and a later run failed this one as abandoned.
            Log.ReconciliationAbandoned(logger, date, runId);
            return;
        }

        metrics.Completed(date, Stopwatch.GetElapsedTime(started), pspBalance, ledgerBalance);
        Log.Reconciled(logger, date, counts.Lines, lines.Count - decided.Count, counts.Matched, counts.Healed, counts.Discrepancies, posted);
    }

    private static string BalanceJson(Dictionary<string, long> balance) =>
        JsonSerializer.Serialize(balance.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => new Dictionary<string, object> { ["amount"] = b.Value, ["currency"] = b.Key }));
}
