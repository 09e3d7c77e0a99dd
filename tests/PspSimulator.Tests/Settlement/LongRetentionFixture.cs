using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Settlement;

/// <summary>
/// A simulator that keeps closed reports 30 days of its clock, so a test that walks the clock over several
/// days can still read the first day's report (the default 72 h would prune it).
/// </summary>
public sealed class LongRetentionFixture : SimulatorFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [KeyValuePair.Create<string, string?>("Simulator:RetentionSeconds", "2592000")];
}
