using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.PaymentIntents;

public sealed class RealTimeExpiryTests(ShortValidityFixture simulator) : IClassFixture<ShortValidityFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Authorization_expires_by_itself_once_the_configured_validity_has_passed()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), captureMethod: "manual");

        var events = await Poll.UntilAsync(
            () => _api.EventsOfAsync(intent.Id),
            found => found.Any(e => e["type"]!.GetValue<string>() == "payment_intent.canceled"),
            TimeSpan.FromSeconds(10),
            "the authorization to expire without any request");

        Assert.Equal(intent.Json["created"]!.GetValue<long>() + 2, intent.Json["capture_before"]!.GetValue<long>());
        Assert.Equal("automatic", events[0]["data"]!["object"]!["cancellation_reason"]!.GetValue<string>());
    }
}
