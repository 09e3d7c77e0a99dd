using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.PaymentIntents;

/// <summary>
/// A simulator whose expiry sweep waits an hour of real time, so that within a test only the requests
/// themselves can find an authorization expired.
/// </summary>
public sealed class NoSweepFixture : SimulatorFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [KeyValuePair.Create<string, string?>("Simulator:ExpirySweepIntervalMs", "3600000")];
}
