using System.Net.Http.Headers;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Outbox;

[Collection(OutboxTestGroup.Name)]
public sealed class ProcessKillTests(OutboxCrashFixture service) : IClassFixture<OutboxCrashFixture>
{
    [Fact]
    public async Task Service_process_killed_hard_mid_stream_then_started_again_delivers_every_event_with_repeats_only_by_id()
    {
        var receiver = service.Receiver;
        var environment = service.ChildProcessEnvironment(service.OutboxSettings.Concat(new Dictionary<string, string>
        {
            // Charges whose PSP call the kill interrupted come back after this lease.
            ["Charges:AttemptLease"] = "00:00:04",
            // A lease covers the longest PSP call: 2 attempts of 1 s and a retry wait.
            ["Psp:AttemptTimeout"] = "00:00:01",
            ["Psp:MaxRetries"] = "1",
            ["Psp:RetryBaseDelay"] = "00:00:00.100",
            ["Charges:RecoveryThreshold"] = "00:00:02",
            ["Charges:SweepInterval"] = "00:00:00.200",
        }));

        using (var first = await ServiceProcess.StartAsync(environment))
        {
            using var client = new HttpClient { BaseAddress = new Uri(first.Url), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceFixture.MerchantKey);
            await OutboxTruth.RegisterAsync(client, receiver, "crash");

            var writing = OutboxTruth.CreateChargesAsync(client, 400, parallelism: 16);
            await OutboxTruth.WaitUntilAsync(() => Task.FromResult(receiver.Arrivals("crash").Count >= 40), TimeSpan.FromSeconds(30), () => "the first deliveries");
            first.KillHard();
            await writing;
        }

        var pendingAtKill = await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE status = 'pending'");
        var notYetDelivered = (await OutboxTruth.EventsAsync(service.Database, OutboxTruth.MerchantId)).Count - receiver.Arrivals("crash").Select(a => a.EventId).Distinct().Count();
        Assert.True(pendingAtKill > 0 || notYetDelivered > 0, "everything was done before the kill; the test killed nothing mid-stream");

        await service.StartServiceAsync();

        await OutboxTruth.WaitUntilAsync(
            async () => await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE status = 'pending'") == 0,
            TimeSpan.FromSeconds(60), () => "every charge final");
        var expected = await OutboxTruth.EventsAsync(service.Database, OutboxTruth.MerchantId);
        await OutboxTruth.WaitForDeliveredAsync(receiver, "crash", expected, TimeSpan.FromSeconds(60));
        OutboxTruth.AssertReceivedExactly(receiver.Arrivals("crash"), expected);
    }
}
