using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Payments.Ingress.Tests.Support;
using Payments.Pipeline.PspEvents;

namespace Payments.Ingress.Tests.TwoInstances;

/// <summary>
/// The readers are driven by the test; a short lease and one-event pages make a read outlast its
/// lease. The lease is still three times a page (about 0.45 s at the latency below): with a 1 s
/// lease a page slowed by a loaded CI machine let the lease lapse between two renewals, which is
/// the reader working as designed, not the defect this test looks for.
/// </summary>
public sealed class EventReaderLeaseFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["PspEvents:Enabled"] = "false",
        ["PspEvents:Lease"] = "00:00:03",
        ["PspEvents:PageSize"] = "1",
        ["PspEvents:Overlap"] = "00:00:01",
    };
}

/// <summary>
/// Two instances reading the PSP's event log: a read of a backlog that takes longer than the
/// lease keeps it page by page, so the other instance cannot take over mid-read and the cursor
/// moves (with the lease renewed only when a read starts, the two could take turns for ever).
/// </summary>
public sealed class EventReaderLeaseTests(EventReaderLeaseFixture service) : IClassFixture<EventReaderLeaseFixture>
{
    [Fact]
    public async Task Read_of_a_backlog_longer_than_the_lease_keeps_it_page_by_page_and_moves_the_cursor()
    {
        // The cursor two minutes back: the read pages through every event the charges below make.
        await service.Database.ExecuteAsync(
            "UPDATE psp_event_cursor SET newest_created = extract(epoch FROM now())::bigint - 120, holder = NULL, leased_until = '-infinity' WHERE name = 'events'");
        var before = await service.Database.ScalarAsync<long>("SELECT newest_created FROM psp_event_cursor WHERE name = 'events'");
        for (var i = 0; i < 20; i++)
        {
            using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1000 + i));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await service.SetFaultsAsync(new { latency_ms = new { min = 400, max = 400 } });
        try
        {
            using var reader = ActivatorUtilities.CreateInstance<PspEventReader>(service.Services);
            var cursor = service.Services.GetRequiredService<PspEventCursorStore>();
            var took = Stopwatch.StartNew();
            var reading = reader.ReadOnceAsync(CancellationToken.None);
            await Payments.Testing.Poll.UntilAsync(
                async () => reading.IsCompleted || await service.Database.ScalarAsync<string>("SELECT holder FROM psp_event_cursor WHERE name = 'events'") is not null,
                "the reader to take the lease", TimeSpan.FromSeconds(10));

            // The other instance asks for the lease all through the read, as its own reads would.
            var takenOver = false;
            while (!reading.IsCompleted)
            {
                takenOver |= await cursor.TakeLeaseAsync("another instance", TimeSpan.FromSeconds(3), CancellationToken.None) is not null;
                await Task.WhenAny(reading, Task.Delay(100));
            }

            var completed = await reading;

            // A read that outlasts the 3 s lease (with a margin) is one the other instance could have
            // taken over; twenty charges' events take about 9 s, a page at a time.
            Assert.True(took.Elapsed > TimeSpan.FromSeconds(4), $"the read took {took.Elapsed}, not longer than its 3 s lease: nothing was tested");
            Assert.False(takenOver, "the other instance took the lease in the middle of the read");
            Assert.True(completed, "the read did not reach the cursor");
            Assert.True(await service.Database.ScalarAsync<long>("SELECT newest_created FROM psp_event_cursor WHERE name = 'events'") > before);
        }
        finally
        {
            await service.ClearFaultsAsync();
        }
    }
}
