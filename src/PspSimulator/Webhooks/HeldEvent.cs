using PspSimulator.Events;

namespace PspSimulator.Webhooks;

/// <summary>An event held back for reordering, with the deliveries already decided for it (delays, and the URL pick of its first attempt).</summary>
internal sealed record HeldEvent(StoredEvent Event, IReadOnlyList<int> CopyDelaysMs, ulong UrlPick);
