using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Observability;

/// <summary>A PSP whose bank takes an hour to pay a payout out, and settled money available at once.</summary>
public sealed class SlowBankFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Reconciliation:Enabled"] = "false",
        ["Payouts:PollInterval"] = "00:00:00.500",
    };

    protected override IReadOnlyDictionary<string, string?> SimulatorSettings => new Dictionary<string, string?>
    {
        ["Simulator:Settlement:AvailableOnDays"] = "0",
        ["Simulator:Payouts:ArrivalAfter"] = "01:00:00",
    };
}
