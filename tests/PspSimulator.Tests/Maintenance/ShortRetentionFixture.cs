using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Maintenance;

/// <summary>A simulator that keeps objects one hour of its clock.</summary>
public sealed class ShortRetentionFixture : SimulatorFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [KeyValuePair.Create<string, string?>("Simulator:RetentionSeconds", "3600")];
}
