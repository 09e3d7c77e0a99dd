using Npgsql;

namespace Payments.Pipeline.Storage;

/// <summary>Reading a query whose rows are one text each (objects rendered by the database, ids).</summary>
internal static class TextRows
{
    public static async Task<List<string>> ReadTextRowsAsync(this NpgsqlCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
