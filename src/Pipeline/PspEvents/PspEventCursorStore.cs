using Npgsql;

namespace Payments.Pipeline.PspEvents;

/// <summary>The event reader's durable place in the PSP's log and its lease, on the database's clock.</summary>
internal sealed class PspEventCursorStore(NpgsqlDataSource dataSource)
{
    // Taken when free or lapsed, renewed by its holder; answers nothing while another instance holds it.
    // Every instance learns the reader's lag from it, whoever reads.
    private const string TakeLease = """
        UPDATE psp_event_cursor
        SET holder = $1, leased_until = now() + $2::interval
        WHERE name = 'events' AND (holder = $1 OR leased_until < now())
        RETURNING newest_created
        """;

    // Renewed by its holder after each page: a read of a long backlog keeps the lease for as long
    // as it makes progress. Nothing when another instance took it over (ours lapsed).
    private const string RenewLease = """
        UPDATE psp_event_cursor
        SET leased_until = now() + $2::interval
        WHERE name = 'events' AND holder = $1
        RETURNING 1
        """;

    private const string SelectLag = """
        SELECT extract(epoch FROM now() - read_at)::float8
        FROM psp_event_cursor
        WHERE name = 'events'
        """;

    // Only forward, and only by the holder: a reader whose lease lapsed mid-read cannot move it.
    private const string Advance = """
        UPDATE psp_event_cursor
        SET newest_created = greatest(newest_created, $2), read_at = now()
        WHERE name = 'events' AND holder = $1
        """;

    /// <summary>The lease, with where to read from (null before the first read); null when another instance holds it.</summary>
    public async Task<Lease?> TakeLeaseAsync(string holder, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(TakeLease);
        command.Parameters.AddWithValue(holder);
        command.Parameters.AddWithValue(lease);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Lease(reader.IsDBNull(0) ? null : reader.GetInt64(0))
            : null;
    }

    /// <summary>Extends the lease this instance holds; false when another instance holds it now.</summary>
    public async Task<bool> RenewLeaseAsync(string holder, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RenewLease);
        command.Parameters.AddWithValue(holder);
        command.Parameters.AddWithValue(lease);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Seconds since a read last reached the end of the log; null before the first.</summary>
    public async Task<double?> LagSecondsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SelectLag);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as double?;
    }

    /// <summary>Records a read that reached the end of the log; false when this instance no longer holds the lease.</summary>
    public async Task<bool> AdvanceAsync(string holder, long newestCreated, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Advance);
        command.Parameters.AddWithValue(holder);
        command.Parameters.AddWithValue(newestCreated);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <param name="NewestCreated">The PSP's unix seconds of the newest event handled so far.</param>
    public sealed record Lease(long? NewestCreated);
}
