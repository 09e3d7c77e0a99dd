using System.Diagnostics;
using Npgsql;

namespace Payments.Pipeline.Hosting;

/// <summary>
/// What <c>/readyz</c> reports: the schema is migrated, the pipeline's workers run, and the
/// database answers now. A service whose database is gone can record nothing, so a load
/// balancer must stop sending it charges. The database is asked at most once a second, however
/// often the probe comes, with a short timeout.
/// </summary>
public sealed class Readiness(NpgsqlDataSource dataSource)
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    private int _checking;
    private volatile bool _databaseMigrated;
    private volatile bool _pipelineRunning;
    private volatile bool _databaseAnswers;
    private long _checkedAt;

    public bool DatabaseMigrated => _databaseMigrated;

    public bool PipelineRunning => _pipelineRunning;

    /// <summary>Whether the database answered the latest check.</summary>
    public bool DatabaseAnswers => _databaseAnswers;

    public bool IsReady => _databaseMigrated && _pipelineRunning && _databaseAnswers;

    public void MarkDatabaseMigrated() => _databaseMigrated = true;

    public void MarkPipelineRunning(bool running) => _pipelineRunning = running;

    /// <summary>Asks the database again if the last answer is older than a second; then <see cref="IsReady"/>.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken = default)
    {
        // One probe asks at a time; the others answer from its latest result.
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _checkedAt)) >= CheckEvery && Interlocked.CompareExchange(ref _checking, 1, 0) == 0)
        {
            try
            {
                _databaseAnswers = await PingAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref _checkedAt, Stopwatch.GetTimestamp());
            }
            finally
            {
                Volatile.Write(ref _checking, 0);
            }
        }

        return IsReady;
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
