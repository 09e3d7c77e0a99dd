using Npgsql;

namespace Payments.Pipeline.Storage;

/// <summary>
/// What a failed write tells about its commit. A client can promise "nothing recorded" only
/// when the database itself refused the statement (its error rolls the transaction back) or the
/// statement never left this process. A connection that broke while the statement or its
/// commit was under way, or a server shutting the session down, leaves the commit unknown: the
/// transaction may have committed just before the answer was lost.
/// </summary>
internal static class CommitFailure
{
    public static bool NothingCommitted(Exception exception) => exception switch
    {
        DatabaseUnreachableException => true,
        // 08: connection exceptions; 57P: the server ending the session (admin or crash shutdown);
        // XX: internal errors. Any of these can arrive after the commit happened.
        PostgresException e => !(e.SqlState.StartsWith("08", StringComparison.Ordinal)
            || e.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || e.SqlState.StartsWith("XX", StringComparison.Ordinal)),
        _ => false,
    };

    /// <summary>Opens a connection; a failure here means nothing was sent, so nothing can have committed.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new DatabaseUnreachableException(e);
        }
    }
}
