namespace PspSimulator.Events;

/// <summary>An event, kept as the exact JSON that <c>/v1/events</c> lists and webhooks deliver.</summary>
internal sealed record StoredEvent(long Sequence, string Id, string Type, long Created, string ObjectId, ReadOnlyMemory<byte> Json);
