namespace PspSimulator.Events;

/// <summary>
/// An event: its own fields and the JSON of its object at the time of the event. The object's bytes
/// are shared with the API answer that caused the event, not copied; the envelope is written on demand.
/// </summary>
internal sealed record StoredEvent(long Sequence, string Id, string Type, long Created, string ObjectId, ReadOnlyMemory<byte> ObjectJson);
