namespace Payments.Ingress.Tests.Outbox;

[Collection(OutboxTestGroup.Name)]
public sealed class WebhookDeliveryTests(OutboxFixture service) : IClassFixture<OutboxFixture>
{
    [Fact]
    public async Task Two_thousand_concurrent_charges_reach_the_endpoint_signed_complete_and_in_sequence_order()
    {
        var receiver = service.Receiver;
        await OutboxTruth.RegisterAsync(service.Merchant, receiver, "bulk");

        var accepted = await OutboxTruth.CreateChargesAsync(service.Merchant, 2_000, parallelism: 24);

        Assert.Equal(2_000, accepted);
        await OutboxTruth.WaitUntilAsync(
            async () => await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE status = 'pending'") == 0,
            TimeSpan.FromSeconds(90), () => "every charge final");
        var expected = await OutboxTruth.EventsAsync(service.Database, OutboxTruth.MerchantId);
        Assert.Equal(4_000, expected.Count);
        await OutboxTruth.WaitForDeliveredAsync(receiver, "bulk", expected, TimeSpan.FromSeconds(60));
        OutboxTruth.AssertReceivedExactly(receiver.Arrivals("bulk"), expected);
    }
}
