using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Payouts;

/// <summary>
/// Payouts for tests that share a simulator. The balance is the whole platform's, so each test pays out in
/// a currency of its own (<see cref="NewCurrency"/>) and funds it itself: its balance is then the test's alone.
/// </summary>
public static class PayoutHelpers
{
    private static int _currencies;

    /// <summary>A three-letter currency no other test of this process uses.</summary>
    public static string NewCurrency()
    {
        var n = Interlocked.Increment(ref _currencies);
        return string.Create(3, n, static (chars, n) =>
        {
            chars[0] = 'q';
            chars[1] = (char)('a' + (n / 26 % 26));
            chars[2] = (char)('a' + (n % 26));
        });
    }

    public static string NewPayoutId() => "pay_" + Guid.NewGuid().ToString("N");

    /// <summary>Captures a PaymentIntent of <paramref name="gross"/> in the currency and returns the balance after it.</summary>
    public static async Task<long> FundAsync(SimulatorApi api, string currency, long gross)
    {
        var funded = await api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: gross, currency: currency);
        Assert.True(funded.Status == HttpStatusCode.OK, "Funding failed: " + funded.Body);
        return Balance(await api.TruthAsync(), currency);
    }

    public static Task<ApiAnswer> CreateAsync(
        SimulatorApi api,
        string? key,
        long amount,
        string currency,
        string destination = "ba_ok",
        string? payoutId = null)
    {
        var form = new List<(string, string)>
        {
            ("amount", amount.ToString(CultureInfo.InvariantCulture)),
            ("currency", currency),
            ("destination", destination),
        };
        if (payoutId is not null)
        {
            form.Add(("metadata[payout_id]", payoutId));
        }

        return api.PostAsync("/v1/payouts", key, [.. form]);
    }

    public static long Balance(JsonNode truth, string currency) => truth["balance"]?[currency]?.GetValue<long>() ?? 0;

    public static int ForPayoutId(JsonNode truth, string payoutId, string kind) =>
        truth["counts_by_payout_id"]?[payoutId]?[kind]?.GetValue<int>() ?? 0;

    /// <summary>The truth's payouts carrying this <c>metadata[payout_id]</c>.</summary>
    public static List<JsonNode> Payouts(JsonNode truth, string payoutId) =>
        truth["payouts"]!.AsArray().Where(p => p!["metadata"]?["payout_id"]?.GetValue<string>() == payoutId).Select(p => p!).ToList();

    /// <summary>The truth's movements of one payout (<c>po_</c> id), as (kind, amount).</summary>
    public static List<(string Kind, long Amount)> Movements(JsonNode truth, string payout) =>
        GroundTruth.Movements(truth)
            .Where(m => m!["payout"]?.GetValue<string>() == payout)
            .Select(m => (m!["kind"]!.GetValue<string>(), m["amount"]!.GetValue<long>()))
            .ToList();

    public static string Status(ApiAnswer payout) => payout.Json["status"]!.GetValue<string>();

    /// <summary>GETs the payout until its status is <paramref name="status"/> (each GET also moves it if due).</summary>
    public static Task<ApiAnswer> UntilStatusAsync(SimulatorApi api, string id, string status, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => api.GetAsync("/v1/payouts/" + id), a => Status(a) == status, timeout ?? TimeSpan.FromSeconds(10), "payout " + id + " to be " + status);
}
