using System.Net;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Recovery;

/// <summary>The first service runs as a child process and is killed during its create call; the event reader stays off in the second.</summary>
public sealed class CrashedCreateFixture : ServiceFixture
{
    protected override bool StartServiceOnInitialize => false;

    // Nothing but the recovery sweep may reach the charge: no webhook (dropped below), no event log.
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?> { ["PspEvents:Enabled"] = "false" };
}

public sealed class CrashedCreateTests(CrashedCreateFixture service) : IClassFixture<CrashedCreateFixture>
{
    [Fact]
    public async Task A_create_cut_off_by_a_kill_is_not_failed_on_an_unsaved_refusal_of_the_next_send_while_the_psp_charged_it()
    {
        // The PSP carries out our create and holds its answer; the process dies meanwhile. Its
        // webhook is dropped, so the only way back is the recovery sweep of the next process.
        await service.SetFaultsAsync(new
        {
            timeout = new { rate = 1.0, hold_ms = 4000, execute = true, operations = new[] { "create" }, max_count = 1 },
            webhooks = new { drop_rate = 1.0 },
        });
        var environment = service.ChildProcessEnvironment(new Dictionary<string, string>
        {
            ["PspEvents:Enabled"] = "false",
            ["Psp:AttemptTimeout"] = "00:00:05",
            ["Psp:MaxRetries"] = "0",
            ["Charges:AttemptLease"] = "00:00:06",
            ["Charges:RecoveryThreshold"] = "00:00:06",
        });

        string id;
        using (var first = await ServiceProcess.StartAsync(environment))
        {
            using var client = new HttpClient { BaseAddress = new Uri(first.Url) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServiceFixture.MerchantKey);
            using var response = await ServiceFixture.PostChargeAsync(client, ChargeBodies.NewKey(), ChargeBodies.Visa(1234), respondAsync: true);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
            await Payments.Testing.Poll.UntilAsync(
                async () => (await service.TruthAsync(id))["payment_intents"]!.AsArray().Count == 1, "the PSP carried out the create", TimeSpan.FromSeconds(10));
            first.KillHard();
        }

        Assert.Equal("pending", await service.Database.ScalarAsync<string>("SELECT status FROM charges WHERE id = $1", id));
        // The next send under the same key meets a refusal the PSP did not save (a gateway's 400).
        await service.SetFaultsAsync(new
        {
            gateway_error = new { rate = 1.0, status = 400, operations = new[] { "create" }, max_count = 1 },
            webhooks = new { drop_rate = 1.0 },
        });

        await service.StartServiceAsync();

        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] != "pending", TimeSpan.FromSeconds(60));
        var truth = await service.TruthAsync(id);
        Assert.Equal("succeeded", (string?)truth["payment_intents"]![0]!["status"]);
        Assert.Equal("captured", (string?)final["status"]);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        await service.AssertLedgerBalancedAsync();
    }
}
