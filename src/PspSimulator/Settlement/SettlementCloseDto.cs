namespace PspSimulator.Settlement;

/// <summary>The answer of closing a day.</summary>
internal sealed record SettlementCloseDto(string Date, int Rows, bool AlreadyClosed, string Report);
