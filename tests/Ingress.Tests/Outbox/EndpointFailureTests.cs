using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Outbox;

[Collection(OutboxTestGroup.Name)]
public sealed class EndpointFailureTests(OutboxFixture service) : IClassFixture<OutboxFixture>
{
    [Fact]
    public async Task Endpoint_answering_500_for_a_while_gets_its_events_later_in_order()
    {
        var receiver = service.Receiver;
        var endpointId = await OutboxTruth.RegisterAsync(service.Merchant, receiver, "flaky");
        // The first four attempts fail, whenever they come: a deadline from now was missed whole when
        // creating the charges took longer than it on a busy machine, and then nothing failed.
        var attempts = 0;
        receiver.SetAnswer("flaky", () => Interlocked.Increment(ref attempts) <= 4 ? WebhookReceiver.Answer.ServerError : WebhookReceiver.Answer.Ok);

        var chargeIds = await CreateChargesAsync(service.Merchant, 8);

        var expected = await WaitForEventsAsync(chargeIds);
        await WaitForDeliveredAsync(receiver, "flaky", expected);
        var arrivals = receiver.Arrivals("flaky");
        Assert.Contains(arrivals, a => a.Answered == WebhookReceiver.Answer.ServerError);
        OutboxTruth.AssertReceivedExactly(arrivals, expected);
        // The receiver has answered the last one; the worker records it delivered just after.
        await OutboxTruth.WaitUntilAsync(
            async () => await service.Database.ScalarAsync<long>(
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status <> 'delivered'", endpointId) == 0,
            TimeSpan.FromSeconds(10), () => "every delivery to the flaky endpoint recorded as delivered");
        Assert.True(await service.Database.ScalarAsync<int>("SELECT max(attempts) FROM webhook_deliveries WHERE endpoint_id = $1", endpointId) > 1);
        await DeleteAsync(service.Merchant, endpointId);
    }

    [Fact]
    public async Task Dead_endpoint_ends_with_failed_deliveries_that_redeliver_while_another_merchants_endpoint_gets_everything_on_time()
    {
        var receiver = service.Receiver;
        var deadId = await OutboxTruth.RegisterAsync(service.Merchant, receiver, "dead");
        receiver.SetAnswer("dead", WebhookReceiver.Answer.NoAnswer);
        await OutboxTruth.RegisterAsync(service.OtherMerchant, receiver, "other");

        var started = DateTimeOffset.UtcNow;
        var created = await Task.WhenAll(CreateChargesAsync(service.Merchant, 6), CreateChargesAsync(service.OtherMerchant, 6));

        // The other merchant's endpoint has everything while the dead one is still on its first
        // attempts: a dead endpoint holds back nobody else.
        var otherExpected = await WaitForEventsAsync(created[1]);
        await WaitForDeliveredAsync(receiver, "other", otherExpected);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>(
            "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status <> 'pending'", deadId));
        OutboxTruth.AssertReceivedExactly(receiver.Arrivals("other"), otherExpected);
        var latest = receiver.Arrivals("other").Max(a => a.At);
        Assert.True(latest - started < TimeSpan.FromSeconds(5), $"the other merchant's events took {latest - started} to arrive");

        // The dead endpoint's deliveries end parked as failed, each after every attempt.
        var deadExpected = await WaitForEventsAsync(created[0]);
        await OutboxTruth.WaitUntilAsync(
            async () => await service.Database.ScalarAsync<long>(
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'failed'", deadId) == deadExpected.Count,
            TimeSpan.FromSeconds(45), () => "every delivery to the dead endpoint parked as failed");
        using var failedList = await service.Merchant.GetAsync($"/v1/webhook_endpoints/{deadId}/deliveries?status=failed&limit=100");
        var failed = (await ServiceFixture.ReadObjectAsync(failedList))["data"]!.AsArray();
        Assert.Equal(deadExpected.Count, failed.Count);
        Assert.All(failed, d => Assert.Equal(6, (int)d!["attempts"]!));
        Assert.Equal(deadExpected.Select(e => e.EventId).Order(), failed.Select(d => (string)d!["event_id"]!).Order());

        // Back up: one delivery redelivered alone, then the rest in bulk; both are idempotent.
        receiver.SetAnswer("dead", WebhookReceiver.Answer.Ok);
        var first = (string)failed[^1]!["id"]!;
        var singleKey = ChargeBodies.NewKey();
        using (var single = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/webhook_endpoints/{deadId}/deliveries/{first}/redeliver", singleKey, "{}"))
        {
            Assert.Equal(HttpStatusCode.OK, single.StatusCode);
            var delivery = await ServiceFixture.ReadObjectAsync(single);
            Assert.Equal("pending", (string?)delivery["status"]);
            Assert.Equal(0, (int)delivery["attempts"]!);
        }

        var bulkKey = ChargeBodies.NewKey();
        using (var bulk = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/webhook_endpoints/{deadId}/deliveries/redeliver_failed", bulkKey, "{}"))
        {
            Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
            Assert.Equal(deadExpected.Count - 1, (int)(await ServiceFixture.ReadObjectAsync(bulk))["requeued"]!);
        }

        using (var replay = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/webhook_endpoints/{deadId}/deliveries/redeliver_failed", bulkKey, "{}"))
        {
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(deadExpected.Count - 1, (int)(await ServiceFixture.ReadObjectAsync(replay))["requeued"]!);
        }

        await WaitForDeliveredAsync(receiver, "dead", deadExpected);
        OutboxTruth.AssertReceivedExactly(receiver.Arrivals("dead"), deadExpected);
        await OutboxTruth.WaitUntilAsync(
            async () => await service.Database.ScalarAsync<long>(
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'delivered'", deadId) == deadExpected.Count,
            TimeSpan.FromSeconds(10), () => "every redelivered delivery marked delivered");
        using (var again = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/webhook_endpoints/{deadId}/deliveries/{first}/redeliver", singleKey, "{}"))
        {
            Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        }

        await DeleteAsync(service.Merchant, deadId);
    }

    /// <summary>Creates charges (answered 202 at once); returns their ids.</summary>
    private static async Task<IReadOnlyList<string>> CreateChargesAsync(HttpClient merchant, int count)
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            ServiceFixture.PostChargeAsync(merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(500 + i), respondAsync: true)));
        var ids = new List<string>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((string)(await ServiceFixture.ReadObjectAsync(response))["id"]!);
            response.Dispose();
        }

        return ids;
    }

    private async Task<IReadOnlyList<OutboxTruth.OutboxEvent>> WaitForEventsAsync(IReadOnlyList<string> chargeIds)
    {
        await OutboxTruth.WaitUntilAsync(
            async () => await service.Database.ScalarAsync<long>(
                "SELECT count(*) FROM charges WHERE id = ANY($1) AND status <> 'pending'", [chargeIds.ToArray()]) == chargeIds.Count,
            TimeSpan.FromSeconds(30), () => "the charges final");
        var all = await OutboxTruth.EventsAsync(service.Database, OutboxTruth.MerchantId);
        var other = await OutboxTruth.EventsAsync(service.Database, OutboxTruth.OtherMerchantId);
        return [.. all.Concat(other).Where(e => chargeIds.Contains(e.ChargeId))];
    }

    private static Task WaitForDeliveredAsync(WebhookReceiver receiver, string endpoint, IReadOnlyList<OutboxTruth.OutboxEvent> expected) =>
        OutboxTruth.WaitForDeliveredAsync(receiver, endpoint, expected, TimeSpan.FromSeconds(30));

    private static async Task DeleteAsync(HttpClient merchant, string endpointId)
    {
        using var response = await merchant.DeleteAsync($"/v1/webhook_endpoints/{endpointId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
