using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.PaymentIntents;

/// <summary>A simulator whose search index lags writes by 400 ms.</summary>
public sealed class LaggedSearchFixture : SimulatorFixture
{
    public const int LagMs = 400;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [KeyValuePair.Create<string, string?>("Simulator:SearchLagMs", LagMs.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
