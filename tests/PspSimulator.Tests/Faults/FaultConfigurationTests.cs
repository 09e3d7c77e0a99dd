using System.Net;
using Microsoft.Extensions.Options;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Faults;

public sealed class FaultConfigurationTests(ConfiguredPlanFixture simulator) : IClassFixture<ConfiguredPlanFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Plan_from_configuration_is_in_force_at_start()
    {
        var created = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        var retrieved = await _api.GetAsync("/v1/payment_intents/" + created.Id);
        var plan = await _api.GetAsync("/_sim/faults");

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, retrieved.Status);
        Assert.Equal(11, plan.Json["seed"]!.GetValue<int>());
        Assert.Equal("retrieve", plan.Json["error_500_before"]!["operations"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Simulator:SearchLagMs", "5001")]
    [InlineData("Simulator:Faults:decline:rate", "1.5")]
    [InlineData("Simulator:WebhookUrl", "not a url")]
    [InlineData("Simulator:Settlement:FeeBasisPoints", "-1")]
    [InlineData("Simulator:AuthorizationValidity", "00:00:00")]
    [InlineData("Simulator:AuthorizationValidity", "400.00:00:00")]
    [InlineData("Simulator:ExpirySweepIntervalMs", "0")]
    [InlineData("Simulator:DisputeFee", "-1")]
    [InlineData("Simulator:Payouts:ArrivalAfter", "00:00:00")]
    [InlineData("Simulator:Payouts:InTransitAfter", "00:00:03")]
    [InlineData("Simulator:Payouts:ReturnAfter", "6.00:00:00")]
    [InlineData("Simulator:Payouts:SweepIntervalMs", "0")]
    public async Task Invalid_setting_fails_at_start(string key, string value)
    {
        var app = SimulatorHost.Build([], new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "None",
            [key] = value,
        });
        await using (app)
        {
            var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.NotEmpty(failure.Failures);
        }
    }
}
