using Npgsql;
using NpgsqlTypes;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Reconciliation;

/// <summary>The SQL of reconciliation runs, report lines and discrepancies. The rules live in <see cref="LineMatcher"/>.</summary>
internal sealed class ReconciliationStore(NpgsqlDataSource dataSource)
{
    // Called with the date's run lock held (RunOwner): a run of the date still marked running has
    // lost its owner (its process died, or its session did), so it is failed at once and the date is free.
    private const string FailAbandoned = """
        UPDATE reconciliation_runs
        SET status = 'failed', failure_reason = 'abandoned: the instance running it stopped', completed_at = now()
        WHERE date = $1 AND status = 'running'
        """;

    private const string InsertRun = """
        INSERT INTO reconciliation_runs (id, date, idempotency_key, request_hash) VALUES ($1, $2, $3, $4)
        ON CONFLICT DO NOTHING
        RETURNING id
        """;

    // Every day up to today, by the database's date, that no run completed; never before our first
    // charge (no day before it can hold a movement of ours) nor beyond the look-back. Not only the
    // days after the last completed run: a day left behind one (its run failed on a malformed
    // report, or an operator ran a later day first) would never be reconciled.
    private const string SelectDatesToReconcile = """
        SELECT d::date
        FROM generate_series(
                 greatest((SELECT (min(created_at) AT TIME ZONE 'UTC')::date FROM charges),
                          (now() AT TIME ZONE 'UTC')::date - $1),
                 (now() AT TIME ZONE 'UTC')::date,
                 interval '1 day') AS d
        WHERE NOT EXISTS (SELECT 1 FROM reconciliation_runs WHERE date = d::date AND status = 'completed')
        ORDER BY d
        """;

    private const string SelectRunByKey = "SELECT id, request_hash FROM reconciliation_runs WHERE idempotency_key = $1";

    private const string SelectRecorded = """
        SELECT 'charge', psp_reference, id, currency, amount_captured, status FROM charges WHERE psp_reference = ANY($1)
        UNION ALL
        SELECT 'refund', psp_reference, charge_id, currency, amount, status FROM refunds WHERE psp_reference = ANY($2)
        UNION ALL
        SELECT 'dispute', psp_reference, charge_id, currency, amount, status FROM disputes WHERE psp_reference = ANY($2)
        """;

    private const string SelectRecordedPayouts = """
        SELECT id, psp_reference, currency, amount, status, sent_at IS NOT NULL
        FROM payouts
        WHERE id = ANY($1) OR psp_reference = ANY($2)
        """;

    // Lines already reconciled (by this date's earlier runs or another date's), and the PSP objects they were about.
    private const string SelectSeen = """
        SELECT balance_transaction_id, category, coalesce(psp_object_id, '')
        FROM settlement_lines
        WHERE balance_transaction_id = ANY($1) OR psp_object_id = ANY($2)
        """;

    // One transaction for a run's outcome: the lines, the discrepancies, the follow-ups that heal,
    // and the PSP's fee journals. Unique keys make a run made again write nothing twice.
    private const string RecordLines = """
        INSERT INTO settlement_lines (balance_transaction_id, date, run_id, category, payment_intent_id, psp_object_id, gross, fee, net, currency, outcome, available_on)
        SELECT t.*
        FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::text[], $11::text[],
                    $12::timestamptz[]) AS t
        ON CONFLICT (balance_transaction_id) DO NOTHING
        """;

    private const string RecordDiscrepancies = """
        INSERT INTO discrepancies (id, kind, status, run_id, charge_id, psp_reference, expected_amount, expected_currency, reported_amount, reported_currency, detail, subject)
        SELECT t.*
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text[]) AS t
        ON CONFLICT ON CONSTRAINT discrepancies_once DO NOTHING
        """;

    // The lifecycle heals: the charge's durable follow-up makes its partition read the PSP and apply what moves forward.
    private const string RequestFollowUps = """
        UPDATE charges SET follow_up_at = now() WHERE id = ANY($1)
        """;

    private const string PostFees = """
        WITH fees AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS t(transaction_id, charge_id, fee, currency)
        ),
        journal AS (
            INSERT INTO ledger_journals (reference, charge_id, description)
            SELECT 'psp_fee:' || transaction_id, charge_id, 'PSP fee on ' || transaction_id
            FROM fees
            ON CONFLICT (reference) DO NOTHING
            RETURNING id, reference
        ),
        entries AS (
            INSERT INTO ledger_entries (journal_id, account_id, amount, currency)
            SELECT j.id, p.posting_account, p.posting_amount, f.currency
            FROM journal AS j
            JOIN fees AS f ON 'psp_fee:' || f.transaction_id = j.reference
            CROSS JOIN LATERAL ledger_postings('psp_fee', '', 0, f.fee) AS p
        )
        SELECT count(*) FROM journal
        """;

    private const string SelectPendingHeals = """
        SELECT count(*) FROM charges WHERE id = ANY($1) AND follow_up_at IS NOT NULL
        """;

    // The PSP's balance after the date: the running sum of net. The ledger's: what psp_receivable
    // held at the end of the date, with the PSP's fees of lines up to it and the moves that heals
    // of runs up to it applied later.
    private const string SelectBalances = """
        SELECT 'psp', currency, sum(net)::bigint FROM settlement_lines WHERE date <= $1 GROUP BY currency
        UNION ALL
        SELECT 'ledger', e.currency, sum(e.amount)::bigint
        FROM ledger_entries AS e
        JOIN ledger_journals AS j ON j.id = e.journal_id
        WHERE e.account_id = 'psp_receivable'
          AND (CASE WHEN j.reference LIKE 'psp_fee:%'
                    THEN EXISTS (SELECT 1 FROM settlement_lines AS s WHERE s.balance_transaction_id = substr(j.reference, 9) AND s.date <= $1)
                    ELSE j.created_at < ($1 + 1)::timestamp AT TIME ZONE 'UTC'
                         OR j.charge_id IN (SELECT d.charge_id FROM discrepancies AS d JOIN reconciliation_runs AS r ON r.id = d.run_id
                                            WHERE d.status = 'healed' AND r.date <= $1)
                         OR j.payout_id IN (SELECT p.id FROM discrepancies AS d JOIN reconciliation_runs AS r ON r.id = d.run_id
                                            JOIN payouts AS p ON p.psp_reference = d.psp_reference
                                            WHERE d.status = 'healed' AND d.kind IN ('missed_payout', 'missed_payout_failure') AND r.date <= $1) END)
        GROUP BY e.currency
        """;

    private const string Complete = """
        UPDATE reconciliation_runs
        SET status = 'completed', lines = $2, matched = $3, healed = $4, discrepancies = $5,
            psp_balance = $6::jsonb, ledger_psp_balance = $7::jsonb, completed_at = now()
        WHERE id = $1 AND status = 'running'
        """;

    // Only a running run ends: one failed as abandoned while its owner still ran keeps that verdict.
    private const string Fail = """
        UPDATE reconciliation_runs SET status = 'failed', failure_reason = $2, completed_at = now() WHERE id = $1 AND status = 'running'
        """;

    private const string SelectRunJson = "SELECT reconciliation_run_json(r)::text FROM reconciliation_runs AS r WHERE id = $1";

    private const string SelectRunsPage = """
        SELECT reconciliation_run_json(r)::text
        FROM reconciliation_runs AS r
        WHERE ($1::text IS NULL OR (r.created_at, r.id) < (SELECT created_at, id FROM reconciliation_runs WHERE id = $1))
        ORDER BY r.created_at DESC, r.id DESC
        LIMIT $2
        """;

    // Only an open one, or a replay of the request that resolved it.
    private const string Resolve = """
        WITH resolved AS (
            UPDATE discrepancies
            SET status = 'resolved', resolution = $2, resolve_key = $3, resolved_at = now()
            WHERE id = $1 AND status = 'open'
            RETURNING *
        )
        SELECT 'resolved', discrepancy_json(r)::text FROM resolved AS r
        UNION ALL
        SELECT CASE WHEN d.resolve_key = $3 AND d.resolution = $2 THEN 'replayed' ELSE 'not_open' END, discrepancy_json(d)::text
        FROM discrepancies AS d
        WHERE d.id = $1 AND NOT EXISTS (SELECT 1 FROM resolved)
        """;

    // Captures and payouts we recorded longer ago than the late window that no report line has named.
    private const string RecordMissingAtPsp = """
        INSERT INTO discrepancies (id, kind, status, run_id, charge_id, psp_reference, expected_amount, expected_currency, detail, subject)
        SELECT 'dc_' || replace(gen_random_uuid()::text, '-', ''), 'missing_at_psp', 'open', $1, c.id, c.psp_reference, c.amount_captured, c.currency,
               'we recorded a capture of ' || c.amount_captured || ' at ' || api_time(j.created_at) || ' that no settlement report has named',
               'missing:' || c.id
        FROM ledger_journals AS j
        JOIN charges AS c ON c.id = j.charge_id
        WHERE j.reference = 'capture:' || c.id
          AND j.created_at < now() - $2::interval
          AND NOT EXISTS (SELECT 1 FROM settlement_lines AS s WHERE s.category = 'charge' AND s.payment_intent_id = c.psp_reference)
        UNION ALL
        SELECT 'dc_' || replace(gen_random_uuid()::text, '-', ''), 'missing_at_psp', 'open', $1, NULL, p.psp_reference, p.amount, p.currency,
               'we recorded payout ' || p.id || ' made at ' || api_time(p.sent_at) || ' that no settlement report has named',
               'missing:' || p.id
        FROM payouts AS p
        WHERE p.sent_at < now() - $2::interval
          AND NOT EXISTS (SELECT 1 FROM settlement_lines AS s WHERE s.psp_object_id = p.psp_reference AND s.category = 'payout')
        ON CONFLICT ON CONSTRAINT discrepancies_once DO NOTHING
        """;

    private const string SelectDiscrepancyJson = "SELECT discrepancy_json(d)::text FROM discrepancies AS d WHERE id = $1";

    private const string SelectDiscrepanciesPage = """
        SELECT discrepancy_json(d)::text
        FROM discrepancies AS d
        WHERE ($1::text IS NULL OR d.status = $1) AND ($2::text IS NULL OR d.kind = $2)
          AND ($3::text IS NULL OR (d.created_at, d.id) < (SELECT created_at, id FROM discrepancies WHERE id = $3))
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $4
        """;

    /// <summary>
    /// A new running run for the date, owned by its <see cref="RunOwner"/> until that is disposed;
    /// the run its key already made; or neither while another live run holds the date.
    /// </summary>
    public async Task<RunStart> StartAsync(DateOnly date, string? idempotencyKey, byte[]? requestHash, CancellationToken cancellationToken)
    {
        if (await RunOwner.TryTakeAsync(dataSource, date, cancellationToken).ConfigureAwait(false) is { } owner)
        {
            string? runId;
            try
            {
                await using (var abandon = dataSource.CreateCommand(FailAbandoned))
                {
                    abandon.Parameters.AddWithValue(date);
                    await abandon.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using var insert = dataSource.CreateCommand(InsertRun);
                insert.Parameters.AddWithValue("rr_" + Guid.CreateVersion7().ToString("N"));
                insert.Parameters.AddWithValue(date);
                insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = idempotencyKey, NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = requestHash, NpgsqlDbType = NpgsqlDbType.Bytea });
                runId = await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            }
            catch
            {
                await owner.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            if (runId is not null)
            {
                return new RunStart.Started(runId, owner);
            }

            // The key made a run before: no run of ours, so the date is not ours to hold.
            await owner.DisposeAsync().ConfigureAwait(false);
        }

        if (idempotencyKey is not null)
        {
            await using var byKey = dataSource.CreateCommand(SelectRunByKey);
            byKey.Parameters.AddWithValue(idempotencyKey);
            await using var reader = await byKey.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var sameRequest = !reader.IsDBNull(1) && requestHash is not null && reader.GetFieldValue<byte[]>(1).AsSpan().SequenceEqual(requestHash);
                return sameRequest ? new RunStart.Replayed(reader.GetString(0)) : new RunStart.KeyReused();
            }
        }

        return new RunStart.Busy();
    }

    /// <summary>The days to look at: those no run completed, within the look-back, up to today.</summary>
    public async Task<IReadOnlyList<DateOnly>> DatesToReconcileAsync(int lookBackDays, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SelectDatesToReconcile);
        command.Parameters.AddWithValue(lookBackDays);
        var dates = new List<DateOnly>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            dates.Add(reader.GetFieldValue<DateOnly>(0));
        }

        return dates;
    }

    /// <summary>What we recorded for the lines' objects: charges by PaymentIntent, refunds and disputes by the PSP's id.</summary>
    public async Task<(Dictionary<string, Recorded> Charges, Dictionary<string, Recorded> Subjects)> RecordedAsync(
        IReadOnlyList<SettlementLine> lines, CancellationToken cancellationToken)
    {
        var charges = new Dictionary<string, Recorded>(StringComparer.Ordinal);
        var subjects = new Dictionary<string, Recorded>(StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand(SelectRecorded);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. lines.Select(l => l.PaymentIntentId).OfType<string>().Distinct()] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. lines.Select(ObjectOf).OfType<string>().Distinct()] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var recorded = new Recorded(reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5));
            (reader.GetString(0) == "charge" ? charges : subjects)[reader.GetString(1)] = recorded;
        }

        return (charges, subjects);
    }

    /// <summary>Our payouts the lines name, by the PSP's payout id.</summary>
    public async Task<Dictionary<string, RecordedPayout>> RecordedPayoutsAsync(IReadOnlyList<SettlementLine> lines, CancellationToken cancellationToken)
    {
        var payoutLines = lines.Where(l => l.PayoutId is not null).ToList();
        var byPsp = new Dictionary<string, RecordedPayout>(StringComparer.Ordinal);
        if (payoutLines.Count == 0)
        {
            return byPsp;
        }

        var ours = new List<RecordedPayout>();
        await using (var command = dataSource.CreateCommand(SelectRecordedPayouts))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. payoutLines.Select(l => l.PayoutIdMetadata).OfType<string>().Distinct()] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. payoutLines.Select(l => l.PayoutId!).Distinct()] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ours.Add(new RecordedPayout(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetBoolean(5)));
            }
        }

        foreach (var line in payoutLines)
        {
            // The id we sent names ours; failing that (a PSP that lost the metadata), the PSP's own id does.
            if ((ours.FirstOrDefault(p => p.PayoutId == line.PayoutIdMetadata) ?? ours.FirstOrDefault(p => p.PspReference == line.PayoutId)) is { } found)
            {
                byPsp[line.PayoutId!] = found;
            }
        }

        return byPsp;
    }

    /// <summary>Report lines reconciled before, by their id, and the (category, PSP object) pairs they were about.</summary>
    public async Task<(HashSet<string> Lines, Dictionary<(string Category, string Object), string> Objects)> SeenAsync(
        IReadOnlyList<SettlementLine> lines, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var objects = new Dictionary<(string, string), string>();
        await using var command = dataSource.CreateCommand(SelectSeen);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. lines.Select(l => l.BalanceTransactionId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. lines.Select(ObjectOf).OfType<string>().Distinct()] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            seen.Add(reader.GetString(0));
            objects[(reader.GetString(1), reader.GetString(2))] = reader.GetString(0);
        }

        return (seen, objects);
    }

    /// <summary>Writes a run's decisions in one transaction; answers the number of fee journals posted.</summary>
    public async Task<long> RecordAsync(string runId, DateOnly date, IReadOnlyList<(SettlementLine Line, LineOutcome Outcome)> decided, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lines = new NpgsqlCommand(RecordLines, connection, transaction))
        {
            lines.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. decided.Select(d => d.Line.BalanceTransactionId)] });
            lines.Parameters.Add(new NpgsqlParameter<DateOnly[]> { TypedValue = [.. decided.Select(_ => date)] });
            lines.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. decided.Select(_ => runId)] });
            lines.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. decided.Select(d => d.Line.Category)] });
            lines.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. decided.Select(d => d.Line.PaymentIntentId)] });
            lines.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. decided.Select(d => ObjectOf(d.Line))] });
            lines.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. decided.Select(d => d.Line.Gross)] });
            lines.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. decided.Select(d => d.Line.Fee)] });
            lines.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. decided.Select(d => d.Line.Net)] });
            lines.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. decided.Select(d => d.Line.Currency)] });
            lines.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. decided.Select(d => OutcomeName(d.Outcome))] });
            lines.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. decided.Select(d => d.Line.AvailableOn)] });
            await lines.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var found = decided.Where(d => d.Outcome is not LineOutcome.Matched).ToList();
        await using (var discrepancies = new NpgsqlCommand(RecordDiscrepancies, connection, transaction))
        {
            discrepancies.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. found.Select(_ => "dc_" + Guid.CreateVersion7().ToString("N"))] });
            discrepancies.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. found.Select(d => d.Outcome is LineOutcome.Heal h ? h.Kind : ((LineOutcome.Discrepancy)d.Outcome).Kind)] });
            discrepancies.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. found.Select(d => d.Outcome is LineOutcome.Heal ? "healed" : "open")] });
            discrepancies.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. found.Select(_ => runId)] });
            discrepancies.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. found.Select(d => d.Outcome.ChargeId)] });
            discrepancies.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. found.Select(d => ObjectOf(d.Line))] });
            discrepancies.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. found.Select(d => (d.Outcome as LineOutcome.Discrepancy)?.ExpectedAmount)] });
            discrepancies.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. found.Select(d => (d.Outcome as LineOutcome.Discrepancy)?.ExpectedCurrency)] });
            discrepancies.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. found.Select(d => (long?)Math.Abs(d.Line.Gross))] });
            discrepancies.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. found.Select(d => d.Line.Currency)] });
            discrepancies.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. found.Select(d => d.Outcome is LineOutcome.Heal h ? h.Detail : ((LineOutcome.Discrepancy)d.Outcome).Detail)] });
            discrepancies.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. found.Select(d => "line:" + d.Line.BalanceTransactionId)] });
            await discrepancies.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var heal = new NpgsqlCommand(RequestFollowUps, connection, transaction))
        {
            heal.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. HealedCharges(decided)] });
            await heal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long posted;
        var fees = decided.Where(d => d.Line.Category == "charge" && d.Line.Fee > 0 && d.Outcome is LineOutcome.Matched or LineOutcome.Heal).ToList();
        await using (var post = new NpgsqlCommand(PostFees, connection, transaction))
        {
            post.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. fees.Select(d => d.Line.BalanceTransactionId)] });
            post.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. fees.Select(d => d.Outcome.ChargeId)] });
            post.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. fees.Select(d => d.Line.Fee)] });
            post.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. fees.Select(d => d.Line.Currency)] });
            posted = (long)(await post.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return posted;
    }

    /// <summary>Marks an open discrepancy resolved with the operator's note; null when there is no such discrepancy.</summary>
    public async Task<(string Outcome, string Json)?> ResolveAsync(string id, string resolution, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Resolve);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(resolution);
        command.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>Records, once each, captures older than <paramref name="lateWindow"/> that no report has named; answers how many are new.</summary>
    public async Task<int> RecordMissingAtPspAsync(string runId, TimeSpan lateWindow, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RecordMissingAtPsp);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(lateWindow);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many of the healed charges still wait for their follow-up.</summary>
    public async Task<long> PendingHealsAsync(IReadOnlyList<string> chargeIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SelectPendingHeals);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. chargeIds] });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The PSP's balance and the ledger's PSP balance after the date, per currency.</summary>
    public async Task<(Dictionary<string, long> Psp, Dictionary<string, long> Ledger)> BalancesAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var psp = new Dictionary<string, long>(StringComparer.Ordinal);
        var ledger = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand(SelectBalances);
        command.Parameters.AddWithValue(date);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            (reader.GetString(0) == "psp" ? psp : ledger)[reader.GetString(1)] = reader.GetInt64(2);
        }

        return (psp, ledger);
    }

    /// <summary>Records a balance that differs after the run, once per date and currency.</summary>
    public async Task RecordBalanceMismatchAsync(string runId, DateOnly date, string currency, long psp, long ledger, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RecordDiscrepancies);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ["dc_" + Guid.CreateVersion7().ToString("N")] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [DiscrepancyKinds.BalanceMismatch] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ["open"] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [runId] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [null] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [null] });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = [ledger] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [currency] });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = [psp] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [currency] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [$"after {date:yyyy-MM-dd} the PSP holds {psp} {currency}, the ledger's psp_receivable {ledger}"] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [$"balance:{date:yyyy-MM-dd}:{currency}"] });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends a running run completed; false when it was no longer running (failed as abandoned meanwhile).</summary>
    public async Task<bool> CompleteAsync(string runId, (int Lines, int Matched, int Healed, int Discrepancies) counts, string pspBalance, string ledgerBalance, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Complete);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(counts.Lines);
        command.Parameters.AddWithValue(counts.Matched);
        command.Parameters.AddWithValue(counts.Healed);
        command.Parameters.AddWithValue(counts.Discrepancies);
        command.Parameters.AddWithValue(pspBalance);
        command.Parameters.AddWithValue(ledgerBalance);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task FailAsync(string runId, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Fail);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(reason);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> RunJsonAsync(string runId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectRunJson);
        command.Parameters.AddWithValue(runId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<IReadOnlyList<string>> RunsJsonAsync(string? startingAfter, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectRunsPage);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = startingAfter, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> DiscrepancyJsonAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectDiscrepancyJson);
        command.Parameters.AddWithValue(id);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<IReadOnlyList<string>> DiscrepanciesJsonAsync(string? status, string? kind, string? startingAfter, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectDiscrepanciesPage);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = kind, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = startingAfter, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The charges whose follow-up a run asked for.</summary>
    public static IReadOnlyList<string> HealedCharges(IEnumerable<(SettlementLine Line, LineOutcome Outcome)> decided) =>
        [.. decided.Select(d => d.Outcome).OfType<LineOutcome.Heal>().Select(h => h.ChargeId).OfType<string>().Distinct()];

    /// <summary>The PSP object a line is about: its refund, dispute or payout, else its PaymentIntent.</summary>
    public static string? ObjectOf(SettlementLine line) => line.RefundId ?? line.DisputeId ?? line.PayoutId ?? line.PaymentIntentId;

    private static string OutcomeName(LineOutcome outcome) => outcome switch
    {
        LineOutcome.Matched => "matched",
        LineOutcome.Heal => "healed",
        _ => "discrepancy",
    };
}
