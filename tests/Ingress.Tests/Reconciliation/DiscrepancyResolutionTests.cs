using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Reconciliation;

/// <summary>A late window of a second, so a capture no report names is missing at once.</summary>
public sealed class ShortLateWindowFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Reconciliation:Enabled"] = "false",
        ["Reconciliation:LateWindow"] = "00:00:01",
    };
}

/// <summary>A capture the PSP never reports is missing_at_psp; an operator resolves it with a note, once, and no money moves.</summary>
public sealed class DiscrepancyResolutionTests(ShortLateWindowFixture service) : IClassFixture<ShortLateWindowFixture>
{
    [Fact]
    public async Task Capture_no_report_names_is_missing_at_psp_and_an_operator_resolves_it_once_without_moving_money()
    {
        using var closed = await service.Simulator.PostAsync("/_sim/settlement/close", null);
        var date = (string)(await ServiceFixture.ReadObjectAsync(closed))["date"]!;
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(4700));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        await Task.Delay(TimeSpan.FromSeconds(2));
        using var operatorClient = service.ClientFor(ServiceFixture.OperatorKey);

        using var run = await ServiceFixture.PostJsonAsync(operatorClient, "/v1/reconciliation/runs", ChargeBodies.NewKey(), $"{{\"date\": \"{date}\"}}");

        Assert.Equal("completed", (string?)(await ServiceFixture.ReadObjectAsync(run))["status"]);
        var listed = (await ServiceFixture.ReadObjectAsync(await operatorClient.GetAsync("/v1/reconciliation/discrepancies?kind=missing_at_psp")))["data"]!.AsArray();
        var missing = Assert.Single(listed)!;
        Assert.Equal(((string?)charge["id"], "open", 4700L), ((string?)missing["charge"], (string?)missing["status"], (long)missing["expected"]!["amount"]!));
        var journals = await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals");

        var key = ChargeBodies.NewKey();
        var path = $"/v1/reconciliation/discrepancies/{missing["id"]}/resolve";
        using (var merchantTry = await ServiceFixture.PostJsonAsync(service.Merchant, path, ChargeBodies.NewKey(), "{\"resolution\": \"x\"}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, merchantTry.StatusCode);
        }

        using var resolved = await ServiceFixture.PostJsonAsync(operatorClient, path, key, "{\"resolution\": \"PSP confirmed the capture settles tomorrow\"}");
        using var replay = await ServiceFixture.PostJsonAsync(operatorClient, path, key, "{\"resolution\": \"PSP confirmed the capture settles tomorrow\"}");
        using var again = await ServiceFixture.PostJsonAsync(operatorClient, path, ChargeBodies.NewKey(), "{\"resolution\": \"another note\"}");

        var body = await ServiceFixture.ReadObjectAsync(resolved);
        Assert.Equal(("resolved", "PSP confirmed the capture settles tomorrow"), ((string?)body["status"], (string?)body["resolution"]));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("discrepancy_not_open", (string?)(await ServiceFixture.ReadObjectAsync(again))["code"]);
        Assert.Equal(journals, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals"));
    }
}
