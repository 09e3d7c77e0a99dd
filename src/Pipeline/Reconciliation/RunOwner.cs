using Npgsql;

namespace Payments.Pipeline.Reconciliation;

/// <summary>
/// The date's run lock: a session advisory lock keyed by the date, held on a connection of its own
/// for as long as the run runs. It is how a run proves it is alive without a clock: PostgreSQL
/// releases the lock the moment the session ends, so a run whose process was killed (SIGKILL,
/// OOM) frees its date at once, and the next start that takes the lock knows every run of the date
/// still marked running is abandoned. A host that vanishes without closing its socket is noticed
/// by TCP keepalives on this session (set short here), not after a fixed age.
/// </summary>
internal sealed class RunOwner : IAsyncDisposable
{
    // The two-integer key space of advisory locks does not overlap the bigint one the other locks
    // of this service use (migrations, retention, the event feed); the second integer is the date.
    private const int RunLockClass = 7_405_316;

    private const string TryLock = "SELECT pg_try_advisory_lock($1, $2)";

    // Released explicitly, with the settings below: pooled connections are not reset when returned (NoResetOnClose).
    private const string Unlock = "SELECT pg_advisory_unlock($1, $2)";

    private const string ResetKeepalives = "RESET tcp_keepalives_idle; RESET tcp_keepalives_interval; RESET tcp_keepalives_count";

    // The server probes an idle client after 10 s and gives up after 3 unanswered probes 5 s apart:
    // a vanished host frees its date within about 25 s.
    private const string ShortKeepalives = """
        SELECT set_config('tcp_keepalives_idle', '10', false), set_config('tcp_keepalives_interval', '5', false), set_config('tcp_keepalives_count', '3', false)
        """;

    private readonly NpgsqlConnection _connection;
    private readonly int _day;

    private RunOwner(NpgsqlConnection connection, int day)
    {
        _connection = connection;
        _day = day;
    }

    /// <summary>The date's lock, or null while another live run (this instance or another) holds it.</summary>
    public static async Task<RunOwner?> TryTakeAsync(NpgsqlDataSource dataSource, DateOnly date, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var tryLock = new NpgsqlCommand(TryLock, connection))
            {
                tryLock.Parameters.AddWithValue(RunLockClass);
                tryLock.Parameters.AddWithValue(date.DayNumber);
                if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    return null;
                }
            }

            var owner = new RunOwner(connection, date.DayNumber);
            try
            {
                await using var keepalives = new NpgsqlCommand(ShortKeepalives, connection);
                await keepalives.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await owner.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return owner;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Frees the date. A broken connection took the lock with its session.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using (var reset = new NpgsqlCommand(ResetKeepalives, _connection))
            {
                await reset.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await using var unlock = new NpgsqlCommand(Unlock, _connection);
            unlock.Parameters.AddWithValue(RunLockClass);
            unlock.Parameters.AddWithValue(_day);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException) when (_connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || _connection.State == System.Data.ConnectionState.Closed)
        {
            // The session is gone, and its locks with it.
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
