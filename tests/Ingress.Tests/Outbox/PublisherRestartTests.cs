namespace Payments.Ingress.Tests.Outbox;

[Collection(OutboxTestGroup.Name)]
public sealed class PublisherRestartTests(OutboxFixture service) : IClassFixture<OutboxFixture>
{
    [Fact]
    public async Task Service_stopped_mid_stream_and_started_again_delivers_every_event_with_repeats_only_by_id()
    {
        var receiver = service.Receiver;
        await OutboxTruth.RegisterAsync(service.Merchant, receiver, "restart");

        // Stopped early in a long stream, so that some of it is still to come however fast this machine is
        // (a clean-clone CI run once finished 400 charges and their deliveries during the stop).
        var writing = OutboxTruth.CreateChargesAsync(service.Merchant, 800, parallelism: 16);
        await OutboxTruth.WaitUntilAsync(() => Task.FromResult(receiver.Arrivals("restart").Count >= 10), TimeSpan.FromSeconds(30), () => "the first deliveries");
        await service.StopServiceAsync();
        await writing;

        // Mid-stream: charges still to move and events still to stream when the publisher stopped.
        var pendingAtStop = await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE status = 'pending'");
        var notYetDelivered = (await OutboxTruth.EventsAsync(service.Database, OutboxTruth.MerchantId)).Count - receiver.Arrivals("restart").Select(a => a.EventId).Distinct().Count();
        Assert.True(pendingAtStop > 0 || notYetDelivered > 0, "everything was done before the stop; the test stopped nothing mid-stream");

        await service.StartServiceAsync();
        await OutboxTruth.CreateChargesAsync(service.Merchant, 50, parallelism: 8);

        await OutboxTruth.WaitUntilAsync(
            async () => await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE status = 'pending'") == 0,
            TimeSpan.FromSeconds(60), () => "every charge final");
        var expected = await OutboxTruth.EventsAsync(service.Database, OutboxTruth.MerchantId);
        await OutboxTruth.WaitForDeliveredAsync(receiver, "restart", expected, TimeSpan.FromSeconds(60));
        OutboxTruth.AssertReceivedExactly(receiver.Arrivals("restart"), expected);
        Assert.Equal(expected.Count, await service.Database.ScalarAsync<long>("SELECT count(*) FROM event_feed WHERE merchant_id = $1", OutboxTruth.MerchantId));
    }
}
