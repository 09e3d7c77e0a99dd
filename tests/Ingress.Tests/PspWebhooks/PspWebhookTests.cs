using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.PspWebhooks;

public sealed class PspWebhookTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Duplicate_and_stale_webhooks_change_nothing_and_leave_one_event_per_transition()
    {
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(900));
        var charge = await ServiceFixture.ReadObjectAsync(response);
        var id = (string)charge["id"]!;
        var pi = (string)charge["psp_reference"]!;
        var before = await service.Database.ScalarAsync<int>("SELECT version FROM charges WHERE id = $1", id);

        var succeeded = Event("evt_dup_" + id, "payment_intent.succeeded", pi, id, "succeeded");
        for (var i = 0; i < 5; i++)
        {
            using var delivery = await DeliverAsync(succeeded);
            Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        }

        // An older state, delivered after the final one.
        using var stale = await DeliverAsync(Event("evt_stale_" + id, "payment_intent.amount_capturable_updated", pi, id, "requires_capture"));
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("stale", (string?)(await ServiceFixture.ReadObjectAsync(stale))["outcome"]);

        var after = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}"));
        Assert.Equal("captured", (string?)after["status"]);
        Assert.Equal(before, await service.Database.ScalarAsync<int>("SELECT version FROM charges WHERE id = $1", id));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.captured"));
        Assert.Equal(2L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE charge_id = $1", id));
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", id));
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM psp_webhook_events WHERE event_id = $1", "evt_dup_" + id));
    }

    [Fact]
    public async Task Webhook_for_a_charge_whose_create_call_is_in_flight_here_is_acknowledged_without_a_row_or_a_follow_up()
    {
        // Our create is held 0.9 s at the PSP (within the attempt's 1 s); its webhook is delivered meanwhile.
        await service.SetFaultsAsync(new { latency_ms = new { min = 900, max = 900 } });
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(975), respondAsync: true);
        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        // The call is sent as soon as the charge is recorded, and held three times longer than this.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.Equal("pending", await service.Database.ScalarAsync<string>("SELECT status FROM charges WHERE id = $1", id));

        using var delivery = await DeliverAsync(Event("evt_inflight_" + id, "payment_intent.succeeded", "pi_unknown_yet", id, "succeeded"));

        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        Assert.Equal("in_flight", (string?)(await ServiceFixture.ReadObjectAsync(delivery))["outcome"]);
        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
        Assert.Equal(975, (long)final["amount_captured"]!);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM psp_webhook_events WHERE event_id = $1", "evt_inflight_" + id));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE id = $1 AND follow_up_at IS NOT NULL", id));
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Webhook_saying_what_our_in_flight_create_cannot_answer_is_followed_up_not_dropped()
    {
        // A cancel made at the PSP while our create call is under way is a change our answer will
        // not carry: it must be recorded with its follow-up like any other event.
        await service.SetFaultsAsync(new { latency_ms = new { min = 900, max = 900 } });
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(985), respondAsync: true);
        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.Equal("pending", await service.Database.ScalarAsync<string>("SELECT status FROM charges WHERE id = $1", id));

        using var delivery = await DeliverAsync(Event("evt_canceled_" + id, "payment_intent.canceled", "pi_unknown_yet", id, "canceled"));

        Assert.Equal("applied", (string?)(await ServiceFixture.ReadObjectAsync(delivery))["outcome"]);
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM psp_webhook_events WHERE event_id = $1", "evt_canceled_" + id));
        // The follow-up read the PaymentIntent as the PSP has it (this cancel was only announced).
        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
        Assert.Equal(985, (long)final["amount_captured"]!);
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Webhook_arriving_before_our_own_answer_completes_the_charge_once()
    {
        // Our call times out (held 2.5 s); the PSP carries it out and its webhook comes first.
        await service.SetFaultsAsync(new { timeout = new { rate = 1.0, hold_ms = 2500, execute = true, operations = new[] { "create" }, max_count = 1 } });
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(950), respondAsync: true);
        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;

        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");

        Assert.Equal(950, (long)final["amount_captured"]!);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.captured"));
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Webhook_with_a_bad_or_stale_signature_is_refused_and_changes_nothing()
    {
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(990, capture: false));
        var charge = await ServiceFixture.ReadObjectAsync(response);
        var id = (string)charge["id"]!;
        var body = Event("evt_forged_" + id, "payment_intent.canceled", (string)charge["psp_reference"]!, id, "canceled");

        using var forged = await DeliverAsync(body, secret: "whsec_wrong");
        using var old = await DeliverAsync(body, signedAt: DateTimeOffset.UtcNow.AddSeconds(-301));
        using var unsigned = await service.Merchant.PostAsync("/psp/webhooks", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.Equal("invalid_signature", (string?)(await ServiceFixture.ReadObjectAsync(forged))["code"]);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM psp_webhook_events WHERE event_id = $1", "evt_forged_" + id));
        Assert.Equal("authorized", (string?)(await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}")))["status"]);
    }

    [Fact]
    public async Task Webhook_for_an_unknown_payment_intent_is_acknowledged_and_recorded()
    {
        using var delivery = await DeliverAsync(Event("evt_unknown_1", "payment_intent.succeeded", "pi_nobody", "ch_nobody", "succeeded"));

        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        Assert.Equal("unknown_object", await service.Database.ScalarAsync<string>("SELECT outcome FROM psp_webhook_events WHERE event_id = 'evt_unknown_1'"));
    }

    private static string Event(string eventId, string type, string paymentIntentId, string chargeId, string status) => new JsonObject
    {
        ["id"] = eventId,
        ["object"] = "event",
        ["type"] = type,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["data"] = new JsonObject
        {
            ["object"] = new JsonObject
            {
                ["id"] = paymentIntentId,
                ["object"] = "payment_intent",
                ["status"] = status,
                ["amount"] = 1,
                ["metadata"] = new JsonObject { ["charge_id"] = chargeId },
            },
        },
    }.ToJsonString();

    private async Task<HttpResponseMessage> DeliverAsync(string body, string secret = ServiceFixture.WebhookSecret, DateTimeOffset? signedAt = null)
    {
        var t = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/psp/webhooks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", $"t={t},v1={signature}");
        return await service.Merchant.SendAsync(request);
    }
}
