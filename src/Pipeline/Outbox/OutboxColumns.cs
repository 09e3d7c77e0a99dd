using System.Globalization;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// Where the outbox's columns sit in a relation as the stream describes it, looked up by name
/// so that a column added to the table later does not shift what is read.
/// </summary>
internal sealed class OutboxColumns
{
    private const int Skip = -1;
    private const int EventId = 0;
    private const int MerchantId = 1;
    private const int ChargeId = 2;
    private const int Sequence = 3;
    private const int Type = 4;
    private const int Payload = 5;

    private static readonly string[] Names = ["event_id", "merchant_id", "charge_id", "sequence", "type", "payload"];

    // Per column of the relation, which field it fills (or Skip).
    private readonly int[] _roles;

    private OutboxColumns(int[] roles) => _roles = roles;

    /// <summary>The mapping for an outbox relation; null for any other table.</summary>
    public static OutboxColumns? For(RelationMessage relation)
    {
        ArgumentNullException.ThrowIfNull(relation);
        if (relation.RelationName != "outbox")
        {
            return null;
        }

        // Copied out of the message now: Npgsql reuses the relation's storage.
        var roles = new int[relation.Columns.Count];
        for (var i = 0; i < roles.Length; i++)
        {
            roles[i] = Array.IndexOf(Names, relation.Columns[i].ColumnName);
        }

        foreach (var needed in Enumerable.Range(0, Names.Length))
        {
            if (!roles.Contains(needed))
            {
                throw new OutboxConfigurationException($"The streamed outbox relation has no column {Names[needed]}.");
            }
        }

        return new OutboxColumns(roles);
    }

    /// <summary>Reads one new row, every value once and in order, into plain strings.</summary>
    public async Task<ReplicatedEvent> ReadAsync(ReplicationTuple row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        string? eventId = null, merchantId = null, chargeId = null, sequence = null, type = null, payload = null;
        var column = 0;
        await foreach (var value in row.ConfigureAwait(false))
        {
            var role = column < _roles.Length ? _roles[column] : Skip;
            column++;
            if (role == Skip || value.IsDBNull)
            {
                continue;
            }

            var text = await value.Get<string>(cancellationToken).ConfigureAwait(false);
            switch (role)
            {
                case EventId: eventId = text; break;
                case MerchantId: merchantId = text; break;
                case ChargeId: chargeId = text; break;
                case Sequence: sequence = text; break;
                case Type: type = text; break;
                case Payload: payload = text; break;
            }
        }

        if (eventId is null || merchantId is null || chargeId is null || sequence is null || type is null || payload is null)
        {
            throw new InvalidOperationException($"An outbox row ({eventId ?? "no event id"}) arrived with a null column.");
        }

        return new ReplicatedEvent(eventId, merchantId, chargeId, int.Parse(sequence, NumberStyles.None, CultureInfo.InvariantCulture), type, payload);
    }
}
