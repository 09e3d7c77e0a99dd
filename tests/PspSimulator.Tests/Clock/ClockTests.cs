using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Clock;

public sealed class ClockTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Clock_moves_forward_only()
    {
        var before = (await _api.GetAsync("/_sim/clock")).Json["unix"]!.GetValue<long>();
        var after = await _api.PostControlAsync("/_sim/clock/advance?seconds=3600");
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        using var backwards = await http.PostAsync(new Uri("/_sim/clock/advance?seconds=-5", UriKind.Relative), null);

        Assert.InRange(after["unix"]!.GetValue<long>() - before, 3600, 3660);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
    }
}
