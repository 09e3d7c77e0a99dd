namespace Payments.Pipeline.Outbox;

/// <summary>
/// The slot as the server sees it. <paramref name="WalStatus"/> is pg_replication_slots'
/// (<c>reserved</c>, <c>extended</c>, <c>unreserved</c>, <c>lost</c>); <paramref name="RetainedBytes"/>
/// is the WAL the slot keeps from being recycled.
/// </summary>
internal sealed record SlotLag(bool Active, string WalStatus, long LagBytes, long RetainedBytes, double LagSeconds);
