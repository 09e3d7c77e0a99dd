using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Outbox;

[Collection(OutboxTestGroup.Name)]
public sealed partial class EventsFeedTests(OutboxFixture service) : IClassFixture<OutboxFixture>
{
    [Fact]
    public async Task Feed_paged_with_small_pages_while_charges_are_written_returns_every_event_once_in_commit_order()
    {
        // The independent truth about commit order: a test_decoding slot of the test's own,
        // which lists the outbox inserts transaction by transaction as they committed.
        var truthSlot = $"feed_truth_{Guid.NewGuid():N}"[..30];
        await service.Database.ExecuteAsync("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", truthSlot);

        var writing = OutboxTruth.CreateChargesAsync(service.Merchant, 300, parallelism: 12);
        var paged = new List<JsonNode>();
        string? cursor = null;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the feed did not catch up: {paged.Count} events read");
            var page = await PageAsync(service.Merchant, cursor, limit: 7);
            var data = page["data"]!.AsArray();
            paged.AddRange(data.Select(e => e!.DeepClone()));
            if (data.Count > 0)
            {
                cursor = (string)data[^1]!["id"]!;
                if ((bool)page["has_more"]!)
                {
                    Assert.Equal(7, data.Count);
                }

                continue;
            }

            Assert.False((bool)page["has_more"]!);
            if (writing.IsCompleted
                && await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE status = 'pending'") == 0
                && paged.Count == (await OutboxTruth.EventsAsync(service.Database, OutboxTruth.MerchantId)).Count)
            {
                break;
            }

            await Task.Delay(20);
        }

        Assert.Equal(300, await writing);
        var ids = paged.Select(e => (string)e["id"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var outbox = await OutboxTruth.EventsAsync(service.Database, OutboxTruth.MerchantId);
        Assert.Equal(outbox.Select(e => e.EventId).Order(), ids.Order());

        // Commit order, as the slot of the test saw the commits.
        var committed = new List<string>();
        await using (var changes = service.Database.DataSource.CreateCommand("SELECT data FROM pg_logical_slot_get_changes($1, NULL, NULL)"))
        {
            changes.Parameters.AddWithValue(truthSlot);
            await using var reader = await changes.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var match = OutboxInsert().Match(reader.GetString(0));
                if (match.Success)
                {
                    committed.Add(match.Groups["id"].Value);
                }
            }
        }

        await service.Database.ExecuteAsync("SELECT pg_drop_replication_slot($1)", truthSlot);
        // Events of this merchant committed before the truth slot existed (earlier tests of the
        // class) come first; everything after is in exactly the order it committed.
        var mine = ids.ToHashSet(StringComparer.Ordinal);
        var streamed = committed.ToHashSet(StringComparer.Ordinal);
        var earlier = ids.TakeWhile(id => !streamed.Contains(id)).Count();
        Assert.Equal(committed.Where(mine.Contains), ids.Skip(earlier));

        // And read again from the start, in big pages: the same events in the same order, so
        // the small pages read while charges were written skipped nothing.
        var reread = new List<string>();
        string? again = null;
        while (true)
        {
            var data = (await PageAsync(service.Merchant, again, limit: 100))["data"]!.AsArray();
            if (data.Count == 0)
            {
                break;
            }

            reread.AddRange(data.Select(e => (string)e!["id"]!));
            again = reread[^1];
        }

        Assert.Equal(ids, reread);
        Assert.All(paged, e => Assert.Equal("event", (string?)e["object"]));
    }

    [Fact]
    public async Task Feed_after_an_unknown_or_another_merchants_event_is_a_bad_request()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(321));
        var chargeId = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;
        string? eventId = null;
        await OutboxTruth.WaitUntilAsync(
            async () => (eventId = await service.Database.ScalarAsync<string>("SELECT event_id FROM event_feed WHERE charge_id = $1 LIMIT 1", chargeId)) is not null,
            TimeSpan.FromSeconds(10), () => "the charge's first event in the feed");

        using var unknown = await service.Merchant.GetAsync("/v1/events?after=evt_does_not_exist");
        using var foreign = await service.OtherMerchant.GetAsync($"/v1/events?after={eventId}");
        using var own = await service.Merchant.GetAsync($"/v1/events?after={eventId}");

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var problem = await ServiceFixture.ReadObjectAsync(unknown);
        Assert.Equal("invalid_request", (string?)problem["code"]);
        Assert.NotNull(problem["errors"]!["after"]);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var otherFeed = await PageAsync(service.OtherMerchant, null, limit: 100);
        Assert.DoesNotContain(otherFeed["data"]!.AsArray(), e => (string?)e!["charge_id"] == chargeId);
    }

    [Fact]
    public async Task Feed_limit_out_of_range_is_a_bad_request()
    {
        using var zero = await service.Merchant.GetAsync("/v1/events?limit=0");
        using var tooMany = await service.Merchant.GetAsync("/v1/events?limit=101");

        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    private static async Task<JsonObject> PageAsync(HttpClient merchant, string? after, int limit)
    {
        var path = after is null ? $"/v1/events?limit={limit}" : $"/v1/events?limit={limit}&after={Uri.EscapeDataString(after)}";
        using var response = await merchant.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("list", (string?)page["object"]);
        return page;
    }

    [GeneratedRegex(@"^table public\.outbox: INSERT: .*event_id\[text\]:'(?<id>[^']+)'")]
    private static partial Regex OutboxInsert();
}
