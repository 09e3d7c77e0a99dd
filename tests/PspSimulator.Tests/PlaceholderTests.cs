namespace PspSimulator.Tests;

public sealed class PlaceholderTests
{
    [Fact]
    public void Simulator_host_builds()
    {
        var app = SimulatorHost.Build([]);
        Assert.NotNull(app);
    }
}
