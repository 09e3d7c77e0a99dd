using System.Net;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;
using Payments.Pipeline.Merchants;
using Payments.Testing;

namespace Payments.Ingress.Tests.Payouts;

/// <summary>
/// A service whose payees have money available: one merchant per test (so balances never mix),
/// each funded at start with one captured charge of <see cref="Funding"/> that the PSP settled
/// (its day closed, available at once) and the service reconciled. The platform keeps 3 % + 30 of
/// each capture, more than the PSP's 2.9 % + 30, so the PSP balance always covers the payees.
/// </summary>
public class PayoutFixture : ServiceFixture, IAsyncLifetime
{
    public const long Funding = 10_000;

    /// <summary>What each payee has available after funding: the capture less the platform's fee.</summary>
    public const long Available = Funding - 330;

    private static readonly string[] Payees =
    [
        "ok", "closed", "returned", "insufficient", "all", "one-key", "seven", "timeout", "error-500", "reset", "list", "validation", "pending", "quiet", "error-500-before",
    ];

    private static readonly Dictionary<string, string> BankAccounts = new(StringComparer.Ordinal)
    {
        ["closed"] = "ba_closed",
        ["returned"] = "ba_returned",
    };

    /// <summary>The merchant (a payee paying itself) named <paramref name="payee"/>'s API key.</summary>
    public static string KeyOf(string payee) => $"sk_test_payee_{payee}_0123456789abcdefghij";

    public static string MerchantIdOf(string payee) => MerchantSeeder.IdFor("Payee " + payee);

    public HttpClient Payee(string payee) => ClientFor(KeyOf(payee));

    protected override IReadOnlyDictionary<string, string?> ServiceSettings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Reconciliation:Enabled"] = "false",
                ["Payouts:PollInterval"] = "00:00:00.500",
            };
            for (var i = 0; i < Payees.Length; i++)
            {
                var prefix = $"Merchants:{i + 1}:";
                settings[prefix + "Name"] = "Payee " + Payees[i];
                settings[prefix + "ApiKey"] = KeyOf(Payees[i]);
                settings[prefix + "FeeBps"] = "300";
                settings[prefix + "FeeFixed"] = "30";
                settings[prefix + "BankAccount"] = BankAccounts.GetValueOrDefault(Payees[i], "ba_ok");
            }

            foreach (var (key, value) in MoreServiceSettings)
            {
                settings[key] = value;
            }

            return settings;
        }
    }

    /// <summary>The payees' settings as a child process's environment (<c>Merchants__1__Name</c>, …).</summary>
    public IReadOnlyDictionary<string, string> PayeeEnvironment() =>
        ServiceSettings.Where(s => s.Key.StartsWith("Merchants:", StringComparison.Ordinal) || s.Key.StartsWith("Payouts:", StringComparison.Ordinal))
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");

    protected virtual IReadOnlyDictionary<string, string?> MoreServiceSettings => new Dictionary<string, string?>();

    protected override IReadOnlyDictionary<string, string?> SimulatorSettings => new Dictionary<string, string?>
    {
        // Settled money is available from its settlement day on, so a day closed now is available now.
        ["Simulator:Settlement:AvailableOnDays"] = "0",
    };

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var payee in Payees)
        {
            using var created = await PostChargeAsync(Payee(payee), ChargeBodies.NewKey(), ChargeBodies.Visa(Funding));
            Assert.Equal("captured", (string?)(await ReadObjectAsync(created))["status"]);
        }

        using var closed = await Simulator.PostAsync("/_sim/settlement/close", null);
        Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());
        var date = (string)(await ReadObjectAsync(closed))["date"]!;
        using var operatorClient = ClientFor(OperatorKey);
        using var run = await PostJsonAsync(operatorClient, "/v1/reconciliation/runs", ChargeBodies.NewKey(), $"{{\"date\": \"{date}\"}}");
        var completed = await ReadObjectAsync(run);
        Assert.True((string?)completed["status"] == "completed" && (int)completed["discrepancies"]! == 0, completed.ToJsonString());
    }

    /// <summary>What the payee has available in USD now.</summary>
    public static async Task<long> AvailableAsync(HttpClient payee) => await AmountAsync(payee, "available");

    public static async Task<long> PendingAsync(HttpClient payee) => await AmountAsync(payee, "pending");

    public static Task<HttpResponseMessage> PostPayoutAsync(HttpClient payee, string key, long? amount, string? seller = null, bool respondAsync = false)
    {
        var body = new JsonObject { ["currency"] = "USD" };
        if (amount is not null)
        {
            body["amount"] = amount;
        }

        if (seller is not null)
        {
            body["seller"] = seller;
        }

        return PostJsonAsync(payee, "/v1/payouts", key, body.ToJsonString(), respondAsync);
    }

    /// <summary>Posts a payout that must be recorded (201 or 202), and answers it.</summary>
    public static async Task<JsonObject> CreatePayoutAsync(HttpClient payee, long? amount, string? seller = null)
    {
        using var response = await PostPayoutAsync(payee, ChargeBodies.NewKey(), amount, seller);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await ReadObjectAsync(response);
    }

    public static Task<JsonObject> WaitForPayoutAsync(HttpClient payee, string payoutId, string status, TimeSpan? timeout = null) =>
        Poll.UntilAsync(
            async () => await ReadObjectAsync(await payee.GetAsync($"/v1/payouts/{payoutId}")),
            p => (string?)p["status"] == status,
            p => $"payout {payoutId} did not become {status}; last seen: {p.ToJsonString()}",
            timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>How often the PSP carried out a payout for our id, and how often one failed (the ground truth).</summary>
    public async Task<(int Payouts, int Failures)> PspCountsAsync(string payoutId)
    {
        var counts = (await TruthAsync())["counts_by_payout_id"]!.AsObject();
        return counts[payoutId] is { } found ? ((int)found["payout"]!, (int)found["payout_failure"]!) : (0, 0);
    }

    /// <summary>The payout's journals by movement, and that each balances.</summary>
    public async Task<IReadOnlyList<string>> JournalsAsync(string payoutId)
    {
        var unbalanced = await Database.ScalarAsync<long>("""
            SELECT count(*) FROM (
                SELECT j.id FROM ledger_journals AS j JOIN ledger_entries AS e ON e.journal_id = j.id
                WHERE j.payout_id = $1 GROUP BY j.id HAVING sum(e.amount) <> 0) AS u
            """, payoutId);
        Assert.Equal(0, unbalanced);
        var references = await Database.ScalarAsync<string>(
            "SELECT coalesce(string_agg(split_part(reference, ':', 1), ',' ORDER BY id), '') FROM ledger_journals WHERE payout_id = $1", payoutId) ?? "";
        return references.Length == 0 ? [] : references.Split(',');
    }

    /// <summary>The payout's events as the merchant gets them: types in sequence order.</summary>
    public async Task<string> EventsAsync(string payoutId) =>
        await Database.ScalarAsync<string>(
            "SELECT coalesce(string_agg(type || '#' || sequence, ',' ORDER BY sequence), '') FROM outbox WHERE charge_id = $1", payoutId) ?? "";

    private static async Task<long> AmountAsync(HttpClient payee, string state)
    {
        var balance = await ReadObjectAsync(await payee.GetAsync("/v1/balance"));
        return balance[state]!.AsArray().Where(b => (string?)b!["currency"] == "USD").Select(b => (long)b!["amount"]!).SingleOrDefault();
    }
}
