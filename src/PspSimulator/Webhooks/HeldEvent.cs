using PspSimulator.Events;

namespace PspSimulator.Webhooks;

/// <summary>An event held back for reordering, with the deliveries already decided for it.</summary>
internal sealed record HeldEvent(StoredEvent Event, IReadOnlyList<int> CopyDelaysMs);
