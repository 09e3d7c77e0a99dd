using PspSimulator.Truth;

namespace PspSimulator.Settlement;

/// <summary>
/// One settlement day: open while captures and refunds come in, then closed with its report. It keeps
/// the movements themselves (already kept for the truth) and derives fees and balance transaction ids
/// only when the day closes. Guarded by <see cref="Gate"/>.
/// </summary>
internal sealed class SettlementDay(DateOnly date)
{
    public Lock Gate { get; } = new();

    public DateOnly Date { get; } = date;

    public List<MoneyMovement> Movements { get; } = [];

    public bool Closed { get; set; }

    public string? Report { get; set; }

    public int ReportRows { get; set; }
}
