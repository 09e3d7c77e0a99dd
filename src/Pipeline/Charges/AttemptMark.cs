using Npgsql;

namespace Payments.Pipeline.Charges;

/// <summary>
/// A step leased for one PSP call, read back from the database: its version and attempt count
/// after the mark, the database's time of the mark, and when the step was recorded (its first
/// send came after that). Both instants are the database's clock (invariant 12). Captures,
/// voids and refunds have no version: their marks carry 0.
/// </summary>
public sealed record AttemptMark(int Version, int Attempts, DateTimeOffset Now, DateTimeOffset RecordedAt)
{
    /// <summary>Runs a mark that returns (version, attempt count, now(), created_at); null when no row was open.</summary>
    internal static async Task<AttemptMark?> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new AttemptMark(reader.GetInt32(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3))
            : null;
    }
}
