using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Charges;

public sealed class ChargeCreationTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Charge_with_visa_is_captured_once_with_a_balanced_journal()
    {
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(4999));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var charge = await ServiceFixture.ReadObjectAsync(response);
        var id = (string)charge["id"]!;
        Assert.Equal("captured", (string?)charge["status"]);
        Assert.Equal(4999, (long)charge["amount_captured"]!);
        Assert.StartsWith("pi_", (string?)charge["psp_reference"], StringComparison.Ordinal);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Equal(4999, await service.LedgerCapturedAsync(id));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.captured"));
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Twenty_concurrent_identical_requests_make_one_charge_and_one_psp_movement()
    {
        var key = ChargeBodies.NewKey();
        var body = ChargeBodies.Visa(1234, orderId: $"ORD-{Guid.NewGuid():N}");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => ServiceFixture.PostChargeAsync(service.Merchant, key, body)));

        var charges = await Task.WhenAll(responses.Select(ServiceFixture.ReadObjectAsync));
        var ids = charges.Select(c => (string?)c["id"]).Distinct().ToList();
        Assert.Single(ids);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, r.StatusCode.ToString()));
        Assert.Equal(19, responses.Count(r => r.Headers.TryGetValues("Idempotent-Replayed", out var v) && v.Single() == "true"));
        var id = ids[0]!;
        await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
        var truth = await service.TruthAsync(id);
        Assert.Single(truth["payment_intents"]!.AsArray());
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", key));
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Same_key_with_a_changed_amount_is_refused_and_changes_nothing()
    {
        var key = ChargeBodies.NewKey();
        using var first = await ServiceFixture.PostChargeAsync(service.Merchant, key, ChargeBodies.Visa(1000));
        var original = await ServiceFixture.ReadObjectAsync(first);

        using var second = await ServiceFixture.PostChargeAsync(service.Merchant, key, ChargeBodies.Visa(1001));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("idempotency_key_reused", (string?)(await ServiceFixture.ReadObjectAsync(second))["code"]);
        var id = (string)original["id"]!;
        var after = await service.WaitForFinalAsync(id);
        Assert.Equal(1000, (long)after["amount"]!);
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", key));
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
    }

    [Fact]
    public async Task Replay_with_same_key_returns_current_state_even_with_other_key_order()
    {
        var key = ChargeBodies.NewKey();
        using var first = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", key,
            """{"amount": 700, "currency": "USD", "payment_method": "pm_card_visa", "metadata": {"b": "2", "a": "1"}}""");
        var created = await ServiceFixture.ReadObjectAsync(first);

        using var replay = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", key,
            """{ "metadata": {"a": "1", "b": "2"}, "payment_method": "pm_card_visa", "currency": "USD", "capture": true, "amount": 700 }""");

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var replayed = await ServiceFixture.ReadObjectAsync(replay);
        Assert.Equal((string?)created["id"], (string?)replayed["id"]);
        Assert.Equal("captured", (string?)replayed["status"]);
        Assert.Equal(1, await service.MovementsAsync((string)created["id"]!, "capture"));
    }

    [Fact]
    public async Task Client_retrying_after_its_own_timeout_gets_the_same_charge()
    {
        var key = ChargeBodies.NewKey();
        var body = ChargeBodies.Visa(2500);
        await service.SetFaultsAsync(new { latency_ms = new { min = 600, max = 600 } });
        try
        {
            // The first request is abandoned by its client before the answer comes.
            using var impatient = service.ClientFor(ServiceFixture.MerchantKey);
            impatient.Timeout = TimeSpan.FromMilliseconds(150);
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => ServiceFixture.PostChargeAsync(impatient, key, body));

            using var retry = await ServiceFixture.PostChargeAsync(service.Merchant, key, body);

            var charge = await ServiceFixture.ReadObjectAsync(retry);
            Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
            var id = (string)charge["id"]!;
            await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
            Assert.Equal(1, await service.MovementsAsync(id, "capture"));
            Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", key));
        }
        finally
        {
            await service.ClearFaultsAsync();
        }
    }

    [Fact]
    public async Task Declined_card_fails_with_its_decline_code_and_posts_no_journal()
    {
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(),
            ChargeBodies.Visa(3000, paymentMethod: "pm_card_chargeDeclinedInsufficientFunds"));

        var charge = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("failed", (string?)charge["status"]);
        Assert.Equal("insufficient_funds", (string?)charge["failure_code"]);
        var id = (string)charge["id"]!;
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", id));
        Assert.Equal(0, await service.MovementsAsync(id, "capture"));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.failed"));
    }

    [Fact]
    public async Task Second_charge_for_a_live_order_with_a_fresh_key_is_refused_with_the_first_charge_id()
    {
        var order = $"ORD-{Guid.NewGuid():N}";
        using var first = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(100, orderId: order));
        var id = (string)(await ServiceFixture.ReadObjectAsync(first))["id"]!;

        using var second = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(100, orderId: order));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await ServiceFixture.ReadObjectAsync(second);
        Assert.Equal("duplicate_order", (string?)problem["code"]);
        Assert.Equal(id, (string?)problem["charge_id"]);
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE order_id = $1", order));
    }

    [Fact]
    public async Task Order_whose_charge_was_declined_can_be_charged_again()
    {
        var order = $"ORD-{Guid.NewGuid():N}";
        using var declined = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(100, orderId: order, paymentMethod: "pm_card_chargeDeclined"));
        Assert.Equal("failed", (string?)(await ServiceFixture.ReadObjectAsync(declined))["status"]);

        using var retry = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(100, orderId: order));

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("captured", (string?)(await ServiceFixture.ReadObjectAsync(retry))["status"]);
    }

    [Fact]
    public async Task Respond_async_answers_202_pending_once_durable_and_the_charge_completes_alone()
    {
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(800), respondAsync: true);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var charge = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("pending", (string?)charge["status"]);
        Assert.Equal("awaiting_psp", (string?)charge["pending_reason"]);
        var id = (string)charge["id"]!;
        Assert.True(await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE id = $1", id) == 1);
        await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
    }

    [Fact]
    public async Task Another_merchants_charge_is_not_found_and_not_listed()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(150, orderId: $"ORD-{Guid.NewGuid():N}"));
        var charge = await ServiceFixture.ReadObjectAsync(created);

        using var peek = await service.OtherMerchant.GetAsync($"/v1/charges/{charge["id"]}");
        using var unknown = await service.OtherMerchant.GetAsync("/v1/charges/ch_does_not_exist");
        var list = await ServiceFixture.ReadObjectAsync(await service.OtherMerchant.GetAsync($"/v1/charges?order_id={charge["order_id"]}"));

        Assert.Equal(HttpStatusCode.NotFound, peek.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal((await unknown.Content.ReadAsStringAsync()).Length > 0, (await peek.Content.ReadAsStringAsync()).Length > 0);
        Assert.Empty(list["data"]!.AsArray());
    }

    [Fact]
    public async Task Charges_list_pages_newest_first_and_filters_by_status()
    {
        var order = $"ORD-{Guid.NewGuid():N}";
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(),
                ChargeBodies.Visa(100 + i, paymentMethod: "pm_card_chargeDeclined", orderId: order));
            ids.Add((string)(await ServiceFixture.ReadObjectAsync(created))["id"]!);
        }

        var first = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges?order_id={order}&status=failed&limit=2"));
        var lastSeen = (string)first["data"]![1]!["id"]!;
        var second = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges?order_id={order}&status=failed&limit=2&starting_after={lastSeen}"));

        Assert.Equal("list", (string?)first["object"]);
        Assert.True((bool)first["has_more"]!);
        Assert.False((bool)second["has_more"]!);
        var listed = first["data"]!.AsArray().Concat(second["data"]!.AsArray()).Select(c => (string)c!["id"]!).ToList();
        Assert.Equal(Enumerable.Reverse(ids), listed);
    }
}
