namespace PspSimulator.Settlement;

/// <summary>One settlement day: open while transactions come in, then closed with its report. Guarded by <see cref="Gate"/>.</summary>
internal sealed class SettlementDay(DateOnly date)
{
    public Lock Gate { get; } = new();

    public DateOnly Date { get; } = date;

    public List<BalanceTransaction> Transactions { get; } = [];

    public bool Closed { get; set; }

    public string? Report { get; set; }

    public int ReportRows { get; set; }
}
