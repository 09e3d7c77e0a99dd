using Npgsql;

namespace Payments.Chaos.Verdict;

/// <summary>What the service recorded about one schedule's objects, read from its database.</summary>
internal sealed record OurRecords(
    IReadOnlyDictionary<string, OurCharge> Charges,
    IReadOnlyList<OurRefund> Refunds,
    IReadOnlyList<OurDispute> Disputes,
    IReadOnlyDictionary<string, OurPayout> Payouts,
    IReadOnlyList<FeedEvent> Feed,
    long PendingOperations,
    long ParkedDeliveries)
{
    /// <summary>The schedule's objects: everything created since it started, and everything it was told was accepted.</summary>
    public static async Task<OurRecords> ReadAsync(NpgsqlDataSource database, DateTime since, IReadOnlyCollection<string> accepted)
    {
        var ids = accepted.ToArray();
        var charges = new Dictionary<string, OurCharge>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand("""
            SELECT id, status, amount_captured, amount_refunded, psp_reference, last_event_sequence
            FROM charges WHERE created_at >= $1 OR id = ANY($2)
            """))
        {
            command.Parameters.AddWithValue(since);
            command.Parameters.AddWithValue(ids);
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var charge = new OurCharge(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5));
                charges[charge.Id] = charge;
            }
        }

        var chargeIds = charges.Keys.ToArray();
        var refunds = await ListAsync(database, "SELECT id, charge_id, status, amount, psp_reference FROM refunds WHERE charge_id = ANY($1)", [chargeIds],
            r => new OurRefund(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4))).ConfigureAwait(false);
        var disputes = await ListAsync(database, "SELECT charge_id, psp_reference, status, amount FROM disputes WHERE charge_id = ANY($1)", [chargeIds],
            r => new OurDispute(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3))).ConfigureAwait(false);
        var payouts = (await ListAsync(database, "SELECT id, status, amount, psp_reference, last_event_sequence FROM payouts WHERE created_at >= $1 OR id = ANY($2)", [since, ids],
            r => new OurPayout(r.GetString(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4))).ConfigureAwait(false))
            .ToDictionary(p => p.Id, StringComparer.Ordinal);
        var objects = chargeIds.Concat(payouts.Keys).ToArray();
        var feed = await ListAsync(database, "SELECT event_id, charge_id, sequence FROM event_feed WHERE charge_id = ANY($1)", [objects],
            r => new FeedEvent(r.GetString(0), r.GetString(1), r.GetInt32(2))).ConfigureAwait(false);
        var pending = await ScalarAsync(database, "SELECT count(*) FROM charge_operations WHERE status = 'pending' AND charge_id = ANY($1)", (object)chargeIds).ConfigureAwait(false);
        var parked = await ScalarAsync(database, "SELECT count(*) FROM webhook_deliveries WHERE status = 'failed'").ConfigureAwait(false);
        return new OurRecords(charges, refunds, disputes, payouts, feed, pending, parked);
    }

    /// <summary>Which of <paramref name="ids"/> the service has a charge (or payout) row for.</summary>
    public static async Task<HashSet<string>> ExistingAsync(NpgsqlDataSource database, string table, IReadOnlyCollection<string> ids)
    {
        var found = await ListAsync(database, $"SELECT id FROM {table} WHERE id = ANY($1)", [ids.ToArray()], r => r.GetString(0)).ConfigureAwait(false);
        return found.ToHashSet(StringComparer.Ordinal);
    }

    public static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql, params object[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    private static async Task<List<T>> ListAsync<T>(NpgsqlDataSource database, string sql, object[] parameters, Func<NpgsqlDataReader, T> read)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}

internal sealed record OurCharge(string Id, string Status, long Captured, long Refunded, string? PaymentIntent, int LastSequence);

internal sealed record OurRefund(string Id, string ChargeId, string Status, long Amount, string? PspReference);

internal sealed record OurDispute(string ChargeId, string PspReference, string Status, long Amount);

internal sealed record OurPayout(string Id, string Status, long Amount, string? PspReference, int LastSequence);

internal sealed record FeedEvent(string EventId, string ObjectId, int Sequence);
