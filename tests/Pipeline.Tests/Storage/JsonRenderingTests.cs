using Payments.Testing;

namespace Payments.Pipeline.Tests.Storage;

/// <summary>
/// The API's JSON is rendered in SQL on the hot path. A rendering function PostgreSQL cannot
/// inline runs as a separate statement on every call, which cost a tenth of the database's CPU
/// at load; these keep them inlinable and their output unchanged.
/// </summary>
public sealed class JsonRenderingTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Theory]
    [InlineData("api_time(now())", "api_time")]
    [InlineData("event_json('ev_1', 'charge.pending', now(), 'ch_1', 1, '{}'::jsonb)", "event_json")]
    public async Task Rendering_functions_are_inlined_into_the_calling_statement(string call, string function)
    {
        var plan = await database.ScalarAsync<string>($"EXPLAIN (VERBOSE, FORMAT JSON) SELECT {call}");

        Assert.NotNull(plan);
        Assert.DoesNotContain(function + "(", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_time_renders_utc_with_microseconds_and_z()
    {
        var rendered = await database.ScalarAsync<string>("SELECT api_time('2026-11-21 14:03:04.123456+01'::timestamptz)");

        Assert.Equal("2026-11-21T13:03:04.123456Z", rendered);
    }

    [Fact]
    public async Task Event_json_has_the_contract_fields()
    {
        var rendered = await database.ScalarAsync<string>(
            "SELECT event_json('ev_1', 'charge.pending', '2026-11-21 13:03:04+00'::timestamptz, 'ch_1', 3, '{\"a\":1}'::jsonb)::text");

        Assert.Equal(
            """{"id": "ev_1", "data": {"a": 1}, "type": "charge.pending", "object": "event", "sequence": 3, "charge_id": "ch_1", "created_at": "2026-11-21T13:03:04.000000Z"}""",
            rendered);
    }
}
