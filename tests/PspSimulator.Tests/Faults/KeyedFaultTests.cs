using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Faults;

/// <summary>
/// A plan that names its seed decides each request's faults by what the request is (operation,
/// Idempotency-Key or path, n-th send), not by when it arrived: the chaos runner's two service
/// instances race each other, and a seed must still replay the same faults. Each test starts its own
/// simulators, so both sides of a comparison begin empty.
/// </summary>
public sealed class KeyedFaultTests
{
    private const int Keys = 20;
    private const int Sends = 3;

    // Faults decided before the key is claimed (429, 502) give every send its own visible decision;
    // the decline is decided inside the operation (and then replayed), through the same keyed draw.
    private const string PlanTemplate =
        """{ "seed": SEED, "rate_limit": { "rate": 0.3, "operations": ["create"] }, "gateway_error": { "rate": 0.3, "status": 502, "operations": ["create"] }, "decline": { "rate": 0.3 } }""";

    [Fact]
    public async Task Same_seed_gives_each_key_the_same_faults_whatever_the_order_keys_arrive_in()
    {
        var keys = FixedKeys("order");

        var forward = await OutcomesAsync(Plan(17), keys);
        var backward = await OutcomesAsync(Plan(17), [.. Enumerable.Reverse(keys)]);

        Assert.Equal(forward, backward);
        var all = string.Concat(forward.Values);
        Assert.Contains('r', all);
        Assert.Contains('g', all);
        Assert.Contains('d', all);
        Assert.Contains('o', all);
    }

    [Fact]
    public async Task Same_seed_gives_the_same_faults_to_keys_sent_concurrently()
    {
        var keys = FixedKeys("concurrent");

        var sequential = await OutcomesAsync(Plan(23), keys);
        var concurrent = await OutcomesAsync(Plan(23), keys, concurrently: true);

        Assert.Equal(sequential, concurrent);
    }

    [Fact]
    public async Task Different_seed_gives_different_faults_for_the_same_keys()
    {
        var keys = FixedKeys("seeds");

        var one = await OutcomesAsync(Plan(1), keys);
        var two = await OutcomesAsync(Plan(2), keys);

        Assert.NotEqual(one, two);
    }

    [Fact]
    public async Task Each_retry_of_a_key_gets_its_own_decision_which_other_keys_do_not_shift()
    {
        const string Key = "key_retries_alone";
        const int Retries = 24;
        var plan = """{ "seed": 5, "rate_limit": { "rate": 0.5, "operations": ["create"] } }""";

        // Alone, then with a request of another key before each of its sends: under arrival-order
        // decisions the other keys would move every draw of this one.
        var alone = await OutcomesAsync(plan, [Key], sends: Retries);
        var crowded = await OutcomesAsync(plan, [.. Enumerable.Range(0, 5).Select(i => "key_retries_other_" + i), Key], sends: Retries);

        Assert.Equal(alone[Key], crowded[Key]);
        Assert.Contains('r', alone[Key]);
        Assert.Contains('o', alone[Key]);
    }

    [Fact]
    public async Task Requests_without_a_key_are_decided_by_path_and_query_whatever_the_order()
    {
        const string Plan = """{ "seed": 9, "error_500_before": { "rate": 0.5, "operations": ["search"] } }""";
        var paths = Enumerable.Range(0, Keys)
            .Select(i => "/v1/payment_intents/search?query=" + Uri.EscapeDataString("metadata['charge_id']:'ch_keyless_" + i + "'"))
            .ToList();

        async Task<Dictionary<string, string>> SearchAsync(List<string> order)
        {
            var simulator = new SimulatorFixture();
            await simulator.InitializeAsync();
            try
            {
                await simulator.Api.SetFaultsAsync(Plan);
                var outcomes = order.ToDictionary(p => p, _ => string.Empty, StringComparer.Ordinal);
                for (var send = 0; send < Sends; send++)
                {
                    foreach (var path in order)
                    {
                        outcomes[path] += Outcome((await simulator.Api.GetAsync(path)).Status);
                    }
                }

                return outcomes;
            }
            finally
            {
                await simulator.DisposeAsync();
                simulator.Dispose();
            }
        }

        var forward = await SearchAsync(paths);
        var backward = await SearchAsync([.. Enumerable.Reverse(paths)]);

        Assert.Equal(forward, backward);
        Assert.Contains('e', string.Concat(forward.Values));
        Assert.Contains('o', string.Concat(forward.Values));
    }

    private static string Plan(int seed) => PlanTemplate.Replace("SEED", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static List<string> FixedKeys(string name) => [.. Enumerable.Range(0, Keys).Select(i => "key_" + name + "_" + i)];

    /// <summary>
    /// On a fresh simulator under <paramref name="plan"/>, sends each key <paramref name="sends"/> times (a
    /// round over the keys in the given order per send) and gives each key's answers as one letter per send.
    /// </summary>
    private static async Task<Dictionary<string, string>> OutcomesAsync(string plan, List<string> keys, int sends = Sends, bool concurrently = false)
    {
        var simulator = new SimulatorFixture();
        await simulator.InitializeAsync();
        try
        {
            var api = simulator.Api;
            await api.SetFaultsAsync(plan);
            var outcomes = keys.ToDictionary(k => k, _ => string.Empty, StringComparer.Ordinal);
            for (var send = 0; send < sends; send++)
            {
                if (concurrently)
                {
                    var answers = await Task.WhenAll(keys.Select(k => api.CreateAsync("ch_" + k, k, amount: 100)));
                    for (var i = 0; i < keys.Count; i++)
                    {
                        outcomes[keys[i]] += Outcome(answers[i].Status);
                    }

                    continue;
                }

                foreach (var key in keys)
                {
                    outcomes[key] += Outcome((await api.CreateAsync("ch_" + key, key, amount: 100)).Status);
                }
            }

            return outcomes;
        }
        finally
        {
            await simulator.DisposeAsync();
            simulator.Dispose();
        }
    }

    private static char Outcome(HttpStatusCode status) => status switch
    {
        HttpStatusCode.OK => 'o',
        HttpStatusCode.TooManyRequests => 'r',
        HttpStatusCode.BadGateway => 'g',
        HttpStatusCode.PaymentRequired => 'd',
        HttpStatusCode.InternalServerError => 'e',
        _ => '?',
    };
}
