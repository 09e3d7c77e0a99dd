using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Payments.Chaos.Schedules;
using Payments.Chaos.Stack;
using PspSimulator;

namespace Payments.Chaos.Tests;

/// <summary>Each violation a long chaos run found, as a test named after its seed.</summary>
[Collection(OneStackAtATime.Name)]
public sealed class SeedTests
{
    /// <summary>
    /// Seed 414 (first long run): a refund retried by the service after a 429's Retry-After crossed
    /// the PSP's day turn; the simulator had forgotten its key with the jump and carried it out
    /// again. A real PSP keeps keys 24 h of real time, so the chaos stack's PSP must keep them
    /// across its day turns.
    /// </summary>
    [Fact]
    public async Task Seed_414_a_request_retried_across_the_psps_day_turn_is_replayed_not_carried_out_again()
    {
        var app = SimulatorHost.Build([], ChaosStack.SimulatorSettings(new ChaosSettings { Seeds = [414] }));
        await app.StartAsync();
        try
        {
            using var psp = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            psp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StackKeys.PspApiKey);
            var key = $"ch_seed414_{Guid.NewGuid():N}:create";

            using var first = await CreateAsync(psp, key);
            using (var turned = await psp.PostAsync("/_sim/clock/advance?seconds=86400", null))
            {
                turned.EnsureSuccessStatusCode();
            }

            using var retried = await CreateAsync(psp, key);

            Assert.True(first.IsSuccessStatusCode);
            Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
            var truth = JsonNode.Parse(await psp.GetStringAsync("/_sim/truth"))!;
            Assert.Equal(1, truth["counts_by_idempotency_key"]![key]!["authorize"]!.GetValue<int>());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// Seed 11 (the chaos smoke in a clean-clone CI run at f78be5a, which reached it just after
    /// midnight UTC): its compressed outage turned the PSP's day inside the schedule. The PSP closed
    /// the day it left, the judge closed and reconciled only the day it ended on, so the earlier
    /// day's lines were never imported: the run's PSP balance lacked them and the ledger lacked
    /// their fees. Every PSP day that passed must be reconciled, in order.
    /// </summary>
    [Fact]
    public async Task Seed_11_a_psp_day_that_turns_inside_a_schedule_is_reconciled_before_the_day_it_ends_on()
    {
        Assert.True(ScheduleGenerator.HasAnOutage(11));
        using var output = new StringWriter();

        var results = await ChaosRun.RunAsync(new ChaosSettings { Seeds = [11], PspStartsBeforeMidnight = TimeSpan.FromMinutes(5) }, output);

        var result = Assert.Single(results);
        Assert.True(result.Passed, output.ToString());
        Assert.Contains("2days", result.Checked, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> CreateAsync(HttpClient psp, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payment_intents")
        {
            Content = new FormUrlEncodedContent(
            [
                new("amount", "503"), new("currency", "usd"), new("payment_method", "pm_card_visa"), new("confirm", "true"),
                new("metadata[charge_id]", "ch_seed414"),
            ]),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await psp.SendAsync(request);
    }
}
