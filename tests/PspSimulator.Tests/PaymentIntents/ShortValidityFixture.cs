using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.PaymentIntents;

/// <summary>A simulator whose authorizations are valid for two seconds, so that they expire in real time.</summary>
public sealed class ShortValidityFixture : SimulatorFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [KeyValuePair.Create<string, string?>("Simulator:AuthorizationValidity", "00:00:02")];
}
