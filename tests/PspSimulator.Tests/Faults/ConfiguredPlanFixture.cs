using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Faults;

/// <summary>A simulator whose fault plan comes from configuration, as <c>Simulator__Faults__…</c> variables would set it.</summary>
public sealed class ConfiguredPlanFixture : SimulatorFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        KeyValuePair.Create<string, string?>("Simulator:Faults:seed", "11"),
        KeyValuePair.Create<string, string?>("Simulator:Faults:error_500_before:rate", "1"),
        KeyValuePair.Create<string, string?>("Simulator:Faults:error_500_before:operations:0", "retrieve"),
        KeyValuePair.Create<string, string?>("Simulator:Faults:latency_ms:min", "1"),
        KeyValuePair.Create<string, string?>("Simulator:Faults:latency_ms:max", "2"),
    ];
}
