using Npgsql;

namespace Payments.Pipeline.PspWebhooks;

public sealed class PspWebhookStore(NpgsqlDataSource dataSource)
{
    // Many deliveries in one statement (group commit); one that was seen before is not returned.
    private const string RecordEvents = """
        INSERT INTO psp_webhook_events (event_id, type, object_id, outcome)
        SELECT *
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
        ORDER BY 1
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id
        """;

    // By our id, else by the PSP's reference: two index lookups. (One WHERE with OR, as a
    // prepared statement, kept a generic plan made while the table was small: a sequential scan
    // per webhook, 3.5 ms each at 50,000 charges.)
    private const string FindChargeStatus = """
        SELECT id, status FROM charges WHERE id = $1
        UNION ALL
        SELECT id, status FROM charges WHERE $2::text IS NOT NULL AND psp_reference = $2
        LIMIT 1
        """;

    private const string FindRefundCharge = """
        SELECT charge_id FROM refunds WHERE id = $1
        UNION ALL
        SELECT charge_id FROM refunds WHERE $2::text IS NOT NULL AND psp_reference = $2
        LIMIT 1
        """;

    public async Task<string?> FindChargeOfRefundAsync(string? refundId, string? pspReference, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(FindRefundCharge);
        command.Parameters.AddWithValue(refundId ?? "");
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = pspReference, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>Records each event id once; false for one seen before (or twice in the batch).</summary>
    public async Task<IReadOnlyList<bool>> RecordAsync(
        IReadOnlyList<(string EventId, string Type, string? ObjectId, string Outcome)> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        await using var command = dataSource.CreateCommand(RecordEvents);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.EventId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.Type)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. events.Select(e => e.ObjectId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.Outcome)] });
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                recorded.Add(reader.GetString(0));
            }
        }

        // Within one batch only the first copy of an event id counts as new.
        return [.. events.Select(e => recorded.Remove(e.EventId))];
    }

    public async Task<(string ChargeId, string Status)?> FindChargeAsync(string? chargeId, string? pspReference, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(FindChargeStatus);
        command.Parameters.AddWithValue(chargeId ?? "");
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = pspReference, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : null;
    }
}
