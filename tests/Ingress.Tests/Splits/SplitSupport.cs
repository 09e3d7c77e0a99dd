using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Splits;

/// <summary>Sellers, split charge bodies and the ledger as the split tests read it.</summary>
internal static class SplitSupport
{
    public static async Task<string> CreateSellerAsync(HttpClient client, string name = "Seller")
    {
        using var created = await ServiceFixture.PostJsonAsync(
            client, "/v1/sellers", ChargeBodies.NewKey(), JsonSerializer.Serialize(new { name, bank_account = "ba_test" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;
    }

    public static string ChargeJson(long amount, bool capture, params (string Seller, long Amount)[] splits) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["amount"] = amount,
            ["currency"] = "USD",
            ["payment_method"] = "pm_card_visa",
            ["capture"] = capture,
            ["splits"] = splits.Select(s => new { seller = s.Seller, amount = s.Amount }).ToArray(),
        });

    public static (string Seller, long Amount)[] SplitsOf(JsonObject charge) =>
        [.. charge["splits"]!.AsArray().Select(s => ((string)s!["seller"]!, (long)s["amount"]!))];

    /// <summary>Every entry of the charge's journals, as reference → account → amount.</summary>
    public static async Task<Dictionary<string, Dictionary<string, long>>> JournalsAsync(ServiceFixture service, string chargeId)
    {
        await using var command = service.Database.DataSource.CreateCommand("""
            SELECT j.reference, e.account_id, e.amount
            FROM ledger_journals AS j
            JOIN ledger_entries AS e ON e.journal_id = j.id
            WHERE j.charge_id = $1
            ORDER BY j.id, e.id
            """);
        command.Parameters.AddWithValue(chargeId);
        var journals = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var journal = journals.TryGetValue(reader.GetString(0), out var found) ? found : journals[reader.GetString(0)] = new(StringComparer.Ordinal);
            Assert.False(journal.ContainsKey(reader.GetString(1)), $"{reader.GetString(0)} posts to {reader.GetString(1)} twice");
            journal[reader.GetString(1)] = reader.GetInt64(2);
        }

        return journals;
    }

    /// <summary>The operator's view: every account's USD balance from GET /v1/ledger/balances.</summary>
    public static async Task<Dictionary<string, long>> BalancesAsync(ServiceFixture service)
    {
        using var client = service.ClientFor(ServiceFixture.OperatorKey);
        using var response = await client.GetAsync("/v1/ledger/balances");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ServiceFixture.ReadObjectAsync(response))["data"]!.AsArray()
            .Where(b => (string?)b!["currency"] == "USD")
            .ToDictionary(b => (string)b!["account"]!, b => (long)b!["balance"]!, StringComparer.Ordinal);
    }

    public static async Task<string> MerchantOfAsync(ServiceFixture service, string chargeId) =>
        (await service.Database.ScalarAsync<string>("SELECT merchant_id FROM charges WHERE id = $1", chargeId))!;
}
