using System.Net;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Payouts;

/// <summary>Its own service: the test stops it and runs a child process in its place, then kills that.</summary>
public sealed class PayoutCrashFixture : PayoutFixture;

/// <summary>
/// Invariant 2 for payouts: a process killed after a payout's row committed leaves a row the next
/// process completes, once: whether the PSP never got the call (it refused every connection) or
/// the call was under way at the kill (the PSP made it; the new process learns it by reading or
/// from the PSP's events, never by paying again).
/// </summary>
public sealed class PayoutCrashTests(PayoutCrashFixture service) : IClassFixture<PayoutCrashFixture>
{
    [Fact]
    public async Task Process_killed_after_payouts_committed_leaves_payouts_a_new_process_makes_once_whether_or_not_the_psp_got_them()
    {
        await service.StopServiceAsync();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Payments"] = service.Database.ConnectionString,
            ["Psp__BaseUrl"] = service.SimulatorUrl,
            ["Psp__ApiKey"] = "sk_test_sim",
            ["Psp__WebhookSecret"] = ServiceFixture.WebhookSecret,
            ["Psp__AttemptTimeout"] = "00:00:01",
            ["Psp__MaxRetries"] = "1",
            ["Psp__RetryBaseDelay"] = "00:00:00.100",
            ["Operator__ApiKey"] = ServiceFixture.OperatorKey,
            ["Reconciliation__Enabled"] = "false",
        };
        foreach (var (key, value) in ServiceFixture.SealingKeySettings.Concat(service.PayeeEnvironment()))
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var made = new List<(string Payee, string Id)>();
        using (var first = await ServiceProcess.StartAsync(environment))
        {
            // Two payouts whose calls never reach the PSP (it refuses every connection)...
            await service.SetFaultsAsync(new { outage = new { duration_ms = 600_000, mode = "refuse" } });
            foreach (var payee in new[] { "ok", "one-key" })
            {
                made.Add((payee, await PostAsync(first.Url, payee)));
            }

            foreach (var (_, id) in made)
            {
                await Payments.Testing.Poll.UntilAsync(
                    () => service.Database.ScalarAsync<int>("SELECT attempt_count FROM payouts WHERE id = $1", id),
                    attempts => attempts >= 1, _ => $"payout {id} was never attempted", TimeSpan.FromSeconds(20));
            }

            // ...and two whose calls are under way when the kill comes (every call takes 1.5 s).
            await service.SetFaultsAsync(new { latency_ms = new { min = 1500, max = 1500 } });
            foreach (var payee in new[] { "seven", "all" })
            {
                made.Add((payee, await PostAsync(first.Url, payee)));
            }

            first.KillHard();
        }

        Assert.Equal((0, 0), await service.PspCountsAsync(made[0].Id));
        Assert.Equal((0, 0), await service.PspCountsAsync(made[1].Id));
        Assert.Equal(made.Count, await service.Database.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE status = 'pending' AND sent_at IS NULL"));
        await service.ClearFaultsAsync();
        await service.StartServiceAsync();

        foreach (var (payee, id) in made)
        {
            await PayoutFixture.WaitForPayoutAsync(service.Payee(payee), id, "paid", TimeSpan.FromSeconds(90));
            Assert.Equal((1, 0), await service.PspCountsAsync(id));
            Assert.Equal(["payout", "payout_sent"], await service.JournalsAsync(id));
            Assert.Equal(PayoutFixture.Available - 4000, await PayoutFixture.AvailableAsync(service.Payee(payee)));
        }

        await service.AssertLedgerBalancedAsync();
    }

    private static async Task<string> PostAsync(string url, string payee)
    {
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", PayoutFixture.KeyOf(payee));
        using var response = await PayoutFixture.PostPayoutAsync(client, ChargeBodies.NewKey(), 4000, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
    }
}
