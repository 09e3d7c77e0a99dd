using Npgsql;

namespace Payments.Pipeline.PspWebhooks;

public sealed class PspWebhookStore(NpgsqlDataSource dataSource)
{
    private const string RecordEvent = """
        INSERT INTO psp_webhook_events (event_id, type, object_id, outcome)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (event_id) DO NOTHING
        """;

    private const string FindChargeStatus = """
        SELECT id, status
        FROM charges
        WHERE id = $1 OR ($2::text IS NOT NULL AND psp_reference = $2)
        LIMIT 1
        """;

    private const string FindRefundCharge = """
        SELECT charge_id
        FROM refunds
        WHERE id = $1 OR ($2::text IS NOT NULL AND psp_reference = $2)
        LIMIT 1
        """;

    public async Task<string?> FindChargeOfRefundAsync(string? refundId, string? pspReference, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(FindRefundCharge);
        command.Parameters.AddWithValue(refundId ?? "");
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = pspReference, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>Records the event id once; false when it was seen before.</summary>
    public async Task<bool> TryRecordAsync(string eventId, string type, string? objectId, string outcome, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RecordEvent);
        command.Parameters.AddWithValue(eventId);
        command.Parameters.AddWithValue(type);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = objectId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(outcome);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
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
