using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// A card number is looked for everywhere a client can put one (contract "stricter input"): in
/// the body's strings and member names, the Idempotency-Key, the query string's names and values
/// and the path, on merchant, operator and unknown routes alike, with or without an API key.
/// Found: <c>400 pan_not_allowed</c>, no row written, and no log line of the host (logging from
/// Debug) holds the number in any form.
/// </summary>
public sealed class CardNumberEverywhereTests(CardNumberFixture service) : IClassFixture<CardNumberFixture>, IDisposable
{
    /// <summary>A test card number unlikely to appear in a log line by chance (unlike 4242…).</summary>
    private const string Pan = "4000056655665556";

    /// <summary>Every table a request could write to.</summary>
    private const string RecordedRows = """
        SELECT (SELECT count(*) FROM charges) + (SELECT count(*) FROM charge_operations) + (SELECT count(*) FROM refunds)
             + (SELECT count(*) FROM charge_events) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM event_feed)
             + (SELECT count(*) FROM webhook_endpoints) + (SELECT count(*) FROM reconciliation_runs)
             + (SELECT count(*) FROM discrepancies)
        """;

    private static readonly Dictionary<string, string> Notations = new(StringComparer.Ordinal)
    {
        ["plain"] = Pan,
        ["full-width digits"] = Map(d => ((char)(0xFF10 + d)).ToString()),
        ["mathematical bold digits"] = Map(d => char.ConvertFromUtf32(0x1D7CE + d)),
        ["groups with no-break spaces"] = Grouped("\u00A0"),
        ["groups with dots"] = Grouped("."),
        ["groups with underscores"] = Grouped("_"),
        ["groups with en dashes"] = Grouped("\u2013"),
        ["groups with tabs"] = Grouped("\t"),
        ["groups with double spaces"] = Grouped("  "),
        ["zero-width spaces between digits"] = string.Join('\u200B', Pan.ToCharArray()),
        ["inside a longer run"] = "12" + Pan + "345",
    };

    private static readonly JsonSerializerOptions RawUnicode = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpClient _merchant = Client(service, ServiceFixture.MerchantKey);
    private readonly HttpClient _operator = Client(service, ServiceFixture.OperatorKey);
    private readonly HttpClient _anonymous = Client(service, null);

    public static TheoryData<string, string> EveryPlaceAndNotation()
    {
        string[] places =
        [
            "body value", "body member name", "Idempotency-Key", "query value", "query name", "path segment",
            "path of a POST", "path of an operator route", "query without an API key", "path of an unknown route",
        ];
        var data = new TheoryData<string, string>();
        foreach (var place in places)
        {
            foreach (var notation in Notations.Keys)
            {
                data.Add(place, notation);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPlaceAndNotation))]
    public async Task Card_number_anywhere_in_a_request_is_refused_recorded_nowhere_and_logged_nowhere(string place, string notation)
    {
        var text = Notations[notation];
        var before = await service.Database.ScalarAsync<long>(RecordedRows);
        var (client, request) = Request(place, text);

        using (request)
        using (var response = await client.SendAsync(request))
        {
            await AssertRefusedAsync(response);
        }

        Assert.Equal(before, await service.Database.ScalarAsync<long>(RecordedRows));
        await AssertLoggedNowhereAsync(client, text);
    }

    [Theory]
    [InlineData("/v1/charges?order_id=4000+0566+5566+5556")]
    [InlineData("/v1/charges?order_id=4000%200566%205566%205556")]
    [InlineData("/v1/charges?order_id=%34%30%30%30%30%35%36%36%35%35%36%36%35%35%35%36")]
    [InlineData("/v1/charges?order_id=ORD-1042&order_id=4000056655665556")]
    [InlineData("/v1/charges?4000056655665556")]
    [InlineData("/v1/charges?limit=10&4000-0566-5566-5556=")]
    [InlineData("/v1/charges/%34000056655665556")]
    [InlineData("/v1/charges/ch_1/history?x=%EF%BC%94000056655665556")]
    [InlineData("/healthz?4000056655665556")]
    [InlineData("/psp/webhooks?4000056655665556")]
    public async Task Card_number_in_an_encoded_request_target_is_refused(string target)
    {
        var before = await service.Database.ScalarAsync<long>(RecordedRows);

        using (var response = await _merchant.GetAsync(target))
        {
            await AssertRefusedAsync(response);
        }

        Assert.Equal(before, await service.Database.ScalarAsync<long>(RecordedRows));
        await AssertLoggedNowhereAsync(_merchant, target);
    }

    [Theory]
    [InlineData("ORD-1042")]
    [InlineData("2026-11-28T10:00:00Z")]
    [InlineData("+1 415 555 0133")]
    [InlineData("123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("pm_card_visa")]
    public async Task Ordinary_query_value_is_served(string value)
    {
        using var response = await _merchant.GetAsync($"/v1/charges?order_id={Uri.EscapeDataString(value)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ordinary_path_and_idempotency_key_are_served()
    {
        using (var missing = await _merchant.GetAsync("/v1/charges/ch_2026-11-28_000173"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using var created = await ServiceFixture.PostChargeAsync(_merchant, $"order-2026-11-28-key-{Guid.NewGuid():N}", ChargeBodies.Visa(1000));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Object_id_whose_hex_holds_a_luhn_passing_run_is_looked_up_not_refused()
    {
        using var response = await _merchant.GetAsync("/v1/charges/ch_4242424242424242abcdefabcdefabcd");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Guid_idempotency_key_whose_digits_pass_luhn_is_accepted()
    {
        using var created = await ServiceFixture.PostChargeAsync(_merchant, "abcd4242-4242-4242-4242-abcdefabcdef", ChargeBodies.Visa(1000));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Request_target_and_keys_are_not_logged_at_the_default_levels()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/charges?order_id=ORD-target-marker-77");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "key-marker-78");

        using (var response = await _merchant.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (await _merchant.GetAsync("/healthz"))
        {
        }

        // The capture works: the host does log from Debug.
        Assert.Contains(service.Logs.Lines, line => line.StartsWith("Debug ", StringComparison.Ordinal));
        Assert.DoesNotContain(service.Logs.Lines, line => line.Contains("target-marker-77", StringComparison.Ordinal));
        Assert.DoesNotContain(service.Logs.Lines, line => line.Contains("key-marker-78", StringComparison.Ordinal));
        Assert.DoesNotContain(service.Logs.Lines, line => line.Contains(ServiceFixture.MerchantKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Database_failure_is_logged_with_the_route_pattern_not_the_path()
    {
        await service.SetDatabaseReachableAsync(false);
        try
        {
            using var response = await _merchant.GetAsync("/v1/charges/ch_path_marker_79");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        finally
        {
            await service.SetDatabaseReachableAsync(true);
        }

        var failure = await Poll.UntilAsync(
            () => Task.FromResult(service.Logs.Lines.FirstOrDefault(line => line.Contains("met a database failure", StringComparison.Ordinal))),
            line => line is not null,
            _ => "the database failure was not logged");
        // The message, not hosting's request scope after " => ": that carries the path of every
        // request that passed the card-number check (printed only by sinks that print scopes).
        var message = failure!.Split(" => ")[0];
        Assert.Contains("GET /v1/charges/{id} met a database failure", message, StringComparison.Ordinal);
        Assert.DoesNotContain("ch_path_marker_79", message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _merchant.Dispose();
        _operator.Dispose();
        _anonymous.Dispose();
    }

    private (HttpClient Client, HttpRequestMessage Request) Request(string place, string text)
    {
        var escaped = Uri.EscapeDataString(text);
        return place switch
        {
            "body value" => (_merchant, Post("/v1/charges", ChargeBodies.NewKey(), Charge(("description", text)))),
            "body member name" => (_merchant, Post("/v1/charges", ChargeBodies.NewKey(), Charge(("metadata", new Dictionary<string, string> { [text] = "v" })))),
            "Idempotency-Key" => (_merchant, Post("/v1/charges", text, Charge())),
            "query value" => (_merchant, new HttpRequestMessage(HttpMethod.Get, $"/v1/charges?order_id={escaped}")),
            "query name" => (_merchant, new HttpRequestMessage(HttpMethod.Get, $"/v1/charges?{escaped}=1")),
            "path segment" => (_merchant, new HttpRequestMessage(HttpMethod.Get, $"/v1/charges/{escaped}")),
            "path of a POST" => (_merchant, Post($"/v1/charges/{escaped}/capture", ChargeBodies.NewKey(), "{}")),
            "path of an operator route" => (_operator, new HttpRequestMessage(HttpMethod.Get, $"/v1/reconciliation/runs/{escaped}")),
            "query without an API key" => (_anonymous, new HttpRequestMessage(HttpMethod.Get, $"/v1/events?after={escaped}")),
            "path of an unknown route" => (_anonymous, new HttpRequestMessage(HttpMethod.Get, $"/nowhere/{escaped}")),
            _ => throw new ArgumentOutOfRangeException(nameof(place), place, null),
        };
    }

    private static HttpRequestMessage Post(string path, string idempotencyKey, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return request;
    }

    private static string Charge(params (string Name, object Value)[] extra)
    {
        var body = new Dictionary<string, object> { ["amount"] = 1000, ["currency"] = "USD", ["payment_method"] = "pm_card_visa" };
        foreach (var (name, value) in extra)
        {
            body[name] = value;
        }

        // Raw UTF-8, not \u escapes: the text as the client wrote it reaches the raw-body scan too.
        return JsonSerializer.Serialize(body, RawUnicode);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("pan_not_allowed", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
    }

    /// <summary>
    /// No line holds the text as sent, its percent-encoded form, or the card number's digits in
    /// any script once everything but digits is dropped from the (percent-decoded) line.
    /// </summary>
    private async Task AssertLoggedNowhereAsync(HttpClient client, string text)
    {
        // Hosting logs a request's end after its answer went out; the next request on the same
        // (only) connection is read after that.
        using (await client.GetAsync("/healthz"))
        {
        }

        var escaped = Uri.EscapeDataString(text);
        foreach (var line in service.Logs.Lines)
        {
            Assert.False(line.Contains(text, StringComparison.Ordinal) || line.Contains(escaped, StringComparison.Ordinal), $"logged as sent: {line}");
            Assert.False(DigitsOf(Uri.UnescapeDataString(line)).Contains(Pan, StringComparison.Ordinal), $"logged: {line}");
        }
    }

    private static string DigitsOf(string text)
    {
        var digits = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsDigit(rune))
            {
                digits.Append((char)('0' + (int)Rune.GetNumericValue(rune)));
            }
        }

        return digits.ToString();
    }

    private static string Map(Func<int, string> digit) => string.Concat(Pan.Select(c => digit(c - '0')));

    private static string Grouped(string separator) => string.Join(separator, Pan.Chunk(4).Select(group => new string(group)));

    /// <summary>One connection (so a follow-up request comes after hosting is done with the last), UTF-8 headers.</summary>
    private static HttpClient Client(ServiceFixture service, string? apiKey)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 };
        var client = new HttpClient(handler) { BaseAddress = new Uri(service.ServiceUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }
}
