using System.Net;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Recovery;

/// <summary>The first service runs as a child process, so it can be killed hard.</summary>
public sealed class CrashFixture : ServiceFixture
{
    protected override bool StartServiceOnInitialize => false;
}

public sealed class CrashRecoveryTests(CrashFixture service) : IClassFixture<CrashFixture>
{
    [Fact]
    public async Task Process_killed_between_commit_and_psp_calls_leaves_charges_a_new_process_completes_without_charging_twice()
    {
        // A PSP taking 1.5 s and a pool that takes two charges at a time: when the kill comes,
        // most intents are committed but not yet sent, and two calls are in flight.
        await service.SetFaultsAsync(new { latency_ms = new { min = 1500, max = 1500 } });
        var ids = new List<string>();
        var environment = service.ChildProcessEnvironment(new Dictionary<string, string>
        {
            ["Pipeline:Partitions"] = "1",
            ["Pipeline:ConcurrencyPerPartition"] = "2",
            ["Pipeline:ChannelCapacity"] = "4",
            ["Charges:AttemptLease"] = "00:00:04",
            // A lease covers the longest PSP call: 2 attempts of 1 s and a retry wait.
            ["Psp:AttemptTimeout"] = "00:00:01",
            ["Psp:MaxRetries"] = "1",
            ["Psp:RetryBaseDelay"] = "00:00:00.100",
            ["Charges:RecoveryThreshold"] = "00:00:03",
        });

        using (var first = await ServiceProcess.StartAsync(environment))
        {
            using var client = new HttpClient { BaseAddress = new Uri(first.Url) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServiceFixture.MerchantKey);
            var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
                ServiceFixture.PostChargeAsync(client, ChargeBodies.NewKey(), ChargeBodies.Visa(1000 + i), respondAsync: true)));
            foreach (var response in responses)
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                ids.Add((string)(await ServiceFixture.ReadObjectAsync(response))["id"]!);
            }

            first.KillHard();
        }

        var pendingAtKill = await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE status = 'pending'");
        Assert.True(pendingAtKill >= 20, $"only {pendingAtKill} charges were left pending; the kill came too late to test recovery");
        await service.ClearFaultsAsync();

        await service.StartServiceAsync();

        foreach (var id in ids)
        {
            await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured", TimeSpan.FromSeconds(60));
        }

        var truth = await service.TruthAsync();
        var counts = truth["counts_by_charge_id"]!.AsObject();
        foreach (var id in ids)
        {
            Assert.Equal(1, (int)counts[id]!["capture"]!);
            Assert.Equal(1, (int)counts[id]!["authorize"]!);
        }

        Assert.Equal(ids.Count, truth["payment_intents"]!.AsArray().Count);
        Assert.Equal(ids.Count, (int)await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals"));
        await service.AssertLedgerBalancedAsync();
    }
}
