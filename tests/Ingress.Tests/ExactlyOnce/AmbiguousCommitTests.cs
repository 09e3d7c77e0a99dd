using System.Net;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.ExactlyOnce;

/// <summary>A PSP slower than the answer wait, so a new charge's answer is read after its commit.</summary>
public sealed class SlowPspServiceFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Psp:AttemptTimeout"] = "00:00:10",
    };
}

/// <summary>
/// "503 unavailable" promises that nothing was recorded. When the database goes away after the
/// intent committed, or while its commit is under way, the service must not make that promise:
/// a client that trusts it and retries with a new key (and no order id) would be charged twice.
/// </summary>
public sealed class AmbiguousCommitTests(SlowPspServiceFixture service) : IClassFixture<SlowPspServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await service.SetDatabaseReachableAsync(true);
        await service.Database.ExecuteAsync("DROP TRIGGER IF EXISTS slow_intent ON charges; DROP FUNCTION IF EXISTS slow_intent()");
        await service.ClearFaultsAsync();
    }

    [Fact]
    public async Task Database_lost_after_the_intent_committed_answers_the_recorded_charge_and_the_retry_returns_it()
    {
        // The PSP takes 3 s, past the 2 s answer wait: the answer is read after the commit.
        await service.SetFaultsAsync(new { latency_ms = new { min = 3000, max = 3000 } });
        var key = ChargeBodies.NewKey();
        var posted = ServiceFixture.PostChargeAsync(service.Merchant, key, ChargeBodies.Visa(8100));
        await Poll.UntilAsync(async () => await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", key) == 1, "the intent to commit");

        await service.SetDatabaseReachableAsync(false);
        using var response = await posted;
        var body = await response.Content.ReadAsStringAsync();
        await service.SetDatabaseReachableAsync(true);

        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var id = await service.Database.ScalarAsync<string>("SELECT id FROM charges WHERE idempotency_key = $1", key);
        Assert.Contains(id!, body, StringComparison.Ordinal);
        using var retry = await ServiceFixture.PostChargeAsync(service.Merchant, key, ChargeBodies.Visa(8100));
        Assert.Equal(id, (string?)(await ServiceFixture.ReadObjectAsync(retry))["id"]);
        await service.WaitForChargeAsync(id!, c => (string?)c["status"] == "captured", TimeSpan.FromSeconds(60));
        Assert.Equal(1, await service.MovementsAsync(id!, "capture"));
    }

    [Fact]
    public async Task Database_lost_during_the_intent_commit_answers_outcome_unknown_and_the_retry_is_safe()
    {
        // The intent's statement is held in the database long enough to end its connection mid-way.
        await service.Database.ExecuteAsync("""
            CREATE FUNCTION slow_intent() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.description = 'slow commit' THEN PERFORM pg_sleep(3); END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER slow_intent AFTER INSERT ON charges FOR EACH ROW EXECUTE FUNCTION slow_intent();
            """);
        var key = ChargeBodies.NewKey();
        var body = new Dictionary<string, object?> { ["amount"] = 8200, ["currency"] = "USD", ["payment_method"] = "pm_card_visa", ["description"] = "slow commit" };
        var posted = ServiceFixture.PostChargeAsync(service.Merchant, key, body);
        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()") > 0,
            "the intent's statement to be under way");

        await service.SetDatabaseReachableAsync(false);
        using var response = await posted;
        await service.SetDatabaseReachableAsync(true);
        await service.Database.ExecuteAsync("DROP TRIGGER slow_intent ON charges");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("outcome_unknown", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        using var retry = await ServiceFixture.PostChargeAsync(service.Merchant, key, body);
        Assert.True(retry.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, $"retry answered {retry.StatusCode}");
        var id = (string)(await ServiceFixture.ReadObjectAsync(retry))["id"]!;
        await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", key));
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
    }
}
