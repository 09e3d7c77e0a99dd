using System.Net;
using System.Text.Json;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Splits;

/// <summary>
/// Splits on a charge: taken when they name the merchant's own sellers and fit in the amount less
/// the platform fee (the demo merchant's 250 bps + 10: 260 on 10,000, so 9,740 can be split),
/// shown on the charge and its events, bound into the idempotency key's request; every other
/// split is refused 400 with <c>errors.splits</c> and nothing recorded, nothing sent to the PSP.
/// </summary>
public sealed class ChargeSplitsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Charge_with_splits_shows_them_in_order_on_the_charge_its_event_and_its_replay()
    {
        var first = await SplitSupport.CreateSellerAsync(service.Merchant, "First");
        var second = await SplitSupport.CreateSellerAsync(service.Merchant, "Second");
        var key = ChargeBodies.NewKey();
        var body = SplitSupport.ChargeJson(10_000, capture: true, (second, 2000), (first, 7740));

        using var created = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", key, body);
        using var replay = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", key, body);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var charge = await ServiceFixture.ReadObjectAsync(created);
        var id = (string)charge["id"]!;
        Assert.Equal([(second, 2000L), (first, 7740L)], SplitSupport.SplitsOf(charge));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal([(second, 2000L), (first, 7740L)], SplitSupport.SplitsOf(await ServiceFixture.ReadObjectAsync(replay)));
        Assert.Equal([(second, 2000L), (first, 7740L)], SplitSupport.SplitsOf(await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}"))));
        // The event that recorded the charge was rendered in the statement that wrote the splits.
        var pending = await service.Database.ScalarAsync<string>("SELECT payload::text FROM outbox WHERE charge_id = $1 AND type = 'charge.pending'", id);
        Assert.Equal([(second, 2000L), (first, 7740L)], SplitSupport.SplitsOf(System.Text.Json.Nodes.JsonNode.Parse(pending!)!["data"]!.AsObject()));
        Assert.Equal(9740L, await service.Database.ScalarAsync<long>("SELECT amount_split FROM charges WHERE id = $1", id));
        Assert.Equal(2L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charge_splits WHERE charge_id = $1", id));
    }

    [Fact]
    public async Task Charge_without_splits_shows_an_empty_list_and_records_none()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1200));

        var charge = await ServiceFixture.ReadObjectAsync(created);

        Assert.Empty(charge["splits"]!.AsArray());
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charge_splits WHERE charge_id = $1", (string)charge["id"]!));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT amount_split FROM charges WHERE id = $1", (string)charge["id"]!));
    }

    [Fact]
    public async Task Same_key_with_other_splits_or_the_same_splits_in_another_order_is_another_request()
    {
        var a = await SplitSupport.CreateSellerAsync(service.Merchant);
        var b = await SplitSupport.CreateSellerAsync(service.Merchant);
        var key = ChargeBodies.NewKey();
        using var first = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", key, SplitSupport.ChargeJson(5000, true, (a, 100), (b, 200)));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        foreach (var other in new[]
        {
            SplitSupport.ChargeJson(5000, true, (a, 100), (b, 201)),
            SplitSupport.ChargeJson(5000, true, (b, 200), (a, 100)),
            SplitSupport.ChargeJson(5000, true, (a, 100)),
            JsonSerializer.Serialize(ChargeBodies.Visa(5000)),
        })
        {
            using var reused = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", key, other);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
            Assert.Equal("idempotency_key_reused", (string?)(await ServiceFixture.ReadObjectAsync(reused))["code"]);
        }

        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", key));
        Assert.Equal(300L, await service.Database.ScalarAsync<long>("SELECT sum(s.amount)::bigint FROM charge_splits AS s JOIN charges AS c ON c.id = s.charge_id WHERE c.idempotency_key = $1", key));
    }

    [Fact]
    public async Task Splits_that_take_exactly_the_amount_less_the_fee_are_taken()
    {
        var seller = await SplitSupport.CreateSellerAsync(service.Merchant);

        using var created = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", ChargeBodies.NewKey(), SplitSupport.ChargeJson(10_000, true, (seller, 9740)));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("captured", (string?)(await ServiceFixture.ReadObjectAsync(created))["status"]);
    }

    [Theory]
    [InlineData("too_many")]
    [InlineData("duplicate_seller")]
    [InlineData("other_merchants_seller")]
    [InlineData("unknown_seller")]
    [InlineData("amount_zero")]
    [InlineData("amount_negative")]
    [InlineData("amount_string")]
    [InlineData("amount_fraction")]
    [InlineData("amount_null")]
    [InlineData("amount_missing")]
    [InlineData("seller_number")]
    [InlineData("seller_missing")]
    [InlineData("unknown_member")]
    [InlineData("not_a_list")]
    [InlineData("null")]
    [InlineData("element_not_an_object")]
    [InlineData("sum_above_amount_less_fee")]
    public async Task Bad_splits_are_refused_with_errors_on_splits_and_nothing_is_recorded_or_sent(string kind)
    {
        var own = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            own.Add(await SplitSupport.CreateSellerAsync(service.Merchant, $"Own {i}"));
        }

        var theirs = await SplitSupport.CreateSellerAsync(service.OtherMerchant, "Theirs");
        var splits = kind switch
        {
            "too_many" => Json(own.Select(s => $$"""{"seller": "{{s}}", "amount": 1}""")),
            "duplicate_seller" => Json([$$"""{"seller": "{{own[0]}}", "amount": 1}""", $$"""{"seller": "{{own[0]}}", "amount": 2}"""]),
            "other_merchants_seller" => Json([$$"""{"seller": "{{own[0]}}", "amount": 1}""", $$"""{"seller": "{{theirs}}", "amount": 1}"""]),
            "unknown_seller" => Json(["""{"seller": "sel_nobody", "amount": 1}"""]),
            "amount_zero" => Json([$$"""{"seller": "{{own[0]}}", "amount": 0}"""]),
            "amount_negative" => Json([$$"""{"seller": "{{own[0]}}", "amount": -5}"""]),
            "amount_string" => Json([$$"""{"seller": "{{own[0]}}", "amount": "3000"}"""]),
            "amount_fraction" => Json([$$"""{"seller": "{{own[0]}}", "amount": 1.5}"""]),
            "amount_null" => Json([$$"""{"seller": "{{own[0]}}", "amount": null}"""]),
            "amount_missing" => Json([$$"""{"seller": "{{own[0]}}"}"""]),
            "seller_number" => Json(["""{"seller": 7, "amount": 1}"""]),
            "seller_missing" => Json(["""{"amount": 1}"""]),
            "unknown_member" => Json([$$"""{"seller": "{{own[0]}}", "amount": 1, "note": "x"}"""]),
            "not_a_list" => $$"""{"seller": "{{own[0]}}", "amount": 1}""",
            "null" => "null",
            "element_not_an_object" => Json([$"\"{own[0]}\""]),
            _ => Json([$$"""{"seller": "{{own[0]}}", "amount": 9000}""", $$"""{"seller": "{{own[1]}}", "amount": 741}"""]),
        };
        var key = ChargeBodies.NewKey();
        var charges = await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges");
        var recordedSplits = await service.Database.ScalarAsync<long>("SELECT count(*) FROM charge_splits");
        var truth = (await service.TruthAsync())["payment_intents"]!.AsArray().Count;

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", key,
            $$"""{"amount": 10000, "currency": "USD", "payment_method": "pm_card_visa", "splits": {{splits}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("invalid_request", (string?)problem["code"]);
        // A null anywhere is the body rules' refusal, named by its path (splits[0].amount); the rest are the splits' own.
        var field = kind == "amount_null" ? "splits[0].amount" : "splits";
        Assert.NotEmpty(problem["errors"]![field]!.AsArray());
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", key));
        Assert.Equal(charges, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges"));
        Assert.Equal(recordedSplits, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charge_splits"));
        Assert.Equal(truth, (await service.TruthAsync())["payment_intents"]!.AsArray().Count);
    }

    [Fact]
    public async Task Database_refuses_a_split_below_one_a_seller_twice_another_merchants_seller_a_changed_split_and_a_sum_other_than_the_charges()
    {
        var seller = await SplitSupport.CreateSellerAsync(service.Merchant);
        var other = await SplitSupport.CreateSellerAsync(service.Merchant);
        using var created = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", ChargeBodies.NewKey(), SplitSupport.ChargeJson(5000, true, (seller, 100)));
        var id = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;
        var merchant = await SplitSupport.MerchantOfAsync(service, id);
        var theirs = await SplitSupport.CreateSellerAsync(service.OtherMerchant);

        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => service.Database.ExecuteAsync(
            "INSERT INTO charge_splits (charge_id, merchant_id, seller_id, position, amount) VALUES ($1, $2, $3, 2, 0)", id, merchant, other));
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => service.Database.ExecuteAsync(
            "INSERT INTO charge_splits (charge_id, merchant_id, seller_id, position, amount) VALUES ($1, $2, $3, 2, 5)", id, merchant, seller));
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => service.Database.ExecuteAsync(
            "INSERT INTO charge_splits (charge_id, merchant_id, seller_id, position, amount) VALUES ($1, $2, $3, 2, 5)", id, merchant, theirs));
        // Well-formed, but the charge's amount_split would no longer be its splits' sum (checked at commit).
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => service.Database.ExecuteAsync(
            "INSERT INTO charge_splits (charge_id, merchant_id, seller_id, position, amount) VALUES ($1, $2, $3, 2, 5)", id, merchant, other));
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => service.Database.ExecuteAsync(
            "UPDATE charge_splits SET amount = 99 WHERE charge_id = $1", id));
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => service.Database.ExecuteAsync(
            "DELETE FROM charge_splits WHERE charge_id = $1", id));
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => service.Database.ExecuteAsync(
            "UPDATE charges SET amount_split = 0 WHERE id = $1", id));

        Assert.Equal(100L, await service.Database.ScalarAsync<long>("SELECT sum(amount)::bigint FROM charge_splits WHERE charge_id = $1", id));
    }

    private static string Json(IEnumerable<string> items) => "[" + string.Join(",", items) + "]";
}
