namespace Payments.Pipeline.Outbox;

/// <summary>
/// One outbox row as decoded from the replication stream: plain values copied out of the
/// message, because Npgsql reuses its message objects for the next one.
/// </summary>
internal sealed record ReplicatedEvent(string EventId, string MerchantId, string ChargeId, int Sequence, string Type, string Payload);
