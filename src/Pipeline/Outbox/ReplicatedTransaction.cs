using NpgsqlTypes;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// A committed transaction as the slot streamed it: its outbox events (possibly none, e.g. a
/// heartbeat) and the position that acknowledges it once they are handed off.
/// </summary>
internal sealed record ReplicatedTransaction(IReadOnlyList<ReplicatedEvent> Events, NpgsqlLogSequenceNumber EndLsn, DateTime CommittedAt);
