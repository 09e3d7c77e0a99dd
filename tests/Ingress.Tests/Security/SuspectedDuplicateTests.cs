using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// The buggy client that mints a fresh key per retry and sends no <c>order_id</c>: its second
/// charge is detected (flagged and counted) by default, and refused where the merchant asked.
/// </summary>
public sealed class SuspectedDuplicateTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Fresh_key_retry_without_order_id_is_flagged_with_the_first_charge_and_counted()
    {
        var amount = UniqueAmount();
        var before = await SuspectedCountAsync("flagged");
        var first = await ChargeAsync(service.Merchant, amount);

        var second = await ChargeAsync(service.Merchant, amount);

        Assert.Null((string?)first["suspected_duplicate_of"]);
        Assert.True(first.ContainsKey("suspected_duplicate_of"));
        Assert.Equal((string)first["id"]!, (string?)second["suspected_duplicate_of"]);
        Assert.Equal((string)first["id"]!, await service.Database.ScalarAsync<string>("SELECT suspected_duplicate_of FROM charges WHERE id = $1", (string)second["id"]!));
        Assert.Equal(before + 1, await SuspectedCountAsync("flagged"));
    }

    [Fact]
    public async Task Replay_of_the_same_key_is_the_same_charge_never_a_suspect()
    {
        var amount = UniqueAmount();
        var key = ChargeBodies.NewKey();
        var first = await ChargeAsync(service.Merchant, amount, key: key);

        var replay = await ChargeAsync(service.Merchant, amount, key: key);

        Assert.Equal((string)first["id"]!, (string)replay["id"]!);
        Assert.Null((string?)replay["suspected_duplicate_of"]);
    }

    [Fact]
    public async Task Charge_with_an_order_id_is_guarded_by_the_order_not_flagged()
    {
        var amount = UniqueAmount();
        await ChargeAsync(service.Merchant, amount);

        var withOrder = await ChargeAsync(service.Merchant, amount, orderId: $"ORD-{Guid.NewGuid():N}");

        Assert.Null((string?)withOrder["suspected_duplicate_of"]);
    }

    [Fact]
    public async Task Charge_like_a_failed_one_or_another_merchants_or_another_amount_is_not_flagged()
    {
        var amount = UniqueAmount();
        var declined = await ChargeAsync(service.Merchant, amount, paymentMethod: "pm_card_chargeDeclined", expect: HttpStatusCode.Created);
        Assert.Equal("failed", (string?)declined["status"]);
        await ChargeAsync(service.OtherMerchant, amount);
        await ChargeAsync(service.Merchant, amount + 1);

        var afterFailed = await ChargeAsync(service.Merchant, amount, paymentMethod: "pm_card_chargeDeclined");

        Assert.Null((string?)afterFailed["suspected_duplicate_of"]);
    }

    private async Task<double> SuspectedCountAsync(string outcome)
    {
        var text = await service.Merchant.GetStringAsync("/metrics");
        var prefix = $"payments_charges_suspected_duplicates_total{{outcome=\"{outcome}\"}} ";
        var line = text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }

    internal static long UniqueAmount() => Random.Shared.NextInt64(100_000, 99_999_999);

    internal static async Task<JsonObject> ChargeAsync(
        HttpClient client, long amount, string? key = null, string? orderId = null, string paymentMethod = "pm_card_visa", HttpStatusCode expect = HttpStatusCode.Created)
    {
        using var response = await ServiceFixture.PostChargeAsync(client, key ?? ChargeBodies.NewKey(), ChargeBodies.Visa(amount, orderId, paymentMethod: paymentMethod));
        Assert.Equal(expect, response.StatusCode);
        return await ServiceFixture.ReadObjectAsync(response);
    }
}

/// <summary>The demo merchant refuses suspected duplicates (<c>DemoMerchant__DuplicatePolicy=refuse</c>).</summary>
public sealed class RefusingDuplicatesFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["DemoMerchant:DuplicatePolicy"] = "refuse",
    };
}

/// <summary>A merchant that refuses suspected duplicates gets 409 with the earlier charge, nothing recorded, no PSP call.</summary>
public sealed class RefusedDuplicateTests(RefusingDuplicatesFixture service) : IClassFixture<RefusingDuplicatesFixture>
{
    [Fact]
    public async Task Suspected_duplicate_is_refused_409_with_the_earlier_charge_and_nothing_recorded_or_sent()
    {
        var amount = SuspectedDuplicateTests.UniqueAmount();
        var first = await SuspectedDuplicateTests.ChargeAsync(service.Merchant, amount);
        var charges = await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges");
        var events = await service.Database.ScalarAsync<long>("SELECT count(*) FROM outbox");
        var intentsAtPsp = (await service.TruthAsync())["payment_intents"]!.AsArray().Count;

        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(amount));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("suspected_duplicate", (string?)problem["code"]);
        Assert.Equal((string)first["id"]!, (string?)problem["charge_id"]);
        Assert.Equal(charges, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges"));
        Assert.Equal(events, await service.Database.ScalarAsync<long>("SELECT count(*) FROM outbox"));
        Assert.Equal(intentsAtPsp, (await service.TruthAsync())["payment_intents"]!.AsArray().Count);
    }

    [Fact]
    public async Task Allow_duplicate_records_the_second_charge_with_its_flag()
    {
        var amount = SuspectedDuplicateTests.UniqueAmount();
        var first = await SuspectedDuplicateTests.ChargeAsync(service.Merchant, amount);

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", ChargeBodies.NewKey(),
            $$"""{"amount": {{amount}}, "currency": "USD", "payment_method": "pm_card_visa", "allow_duplicate": true}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((string)first["id"]!, (string?)(await ServiceFixture.ReadObjectAsync(response))["suspected_duplicate_of"]);
    }

    [Fact]
    public async Task Other_merchant_with_the_default_policy_is_only_flagged()
    {
        var amount = SuspectedDuplicateTests.UniqueAmount();
        var first = await SuspectedDuplicateTests.ChargeAsync(service.OtherMerchant, amount);

        var second = await SuspectedDuplicateTests.ChargeAsync(service.OtherMerchant, amount);

        Assert.Equal((string)first["id"]!, (string?)second["suspected_duplicate_of"]);
    }
}
