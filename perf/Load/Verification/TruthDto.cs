namespace Payments.Load.Verification;

/// <summary>
/// The parts of the simulator's <c>GET /_sim/truth</c> the checks read; the PaymentIntents and
/// refunds lists are skipped while streaming, so a large truth never sits in memory whole.
/// </summary>
internal sealed class TruthDto
{
    public List<MovementDto> Movements { get; set; } = [];

    public Dictionary<string, MovementCountsDto> CountsByChargeId { get; set; } = new(StringComparer.Ordinal);
}
