using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// The merchant contract's "stricter input": every refusal has its status and code, and
/// nothing is recorded by it (no charge, no refund, no change to the charge it names).
/// </summary>
public sealed class StricterInputTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string Valid = """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa"}""";

    public static TheoryData<string, string?> RefusedContentTypes => new()
    {
        { "text/plain", "text/plain" },
        { "form", "application/x-www-form-urlencoded" },
        { "multipart", "multipart/form-data; boundary=x" },
        { "json lookalike", "application/jsonp" },
        { "json suffix type", "application/problem+json" },
        { "xml", "application/xml" },
        { "another charset", "application/json; charset=iso-8859-1" },
        { "no content type", null },
    };

    [Theory]
    [MemberData(nameof(RefusedContentTypes))]
    public async Task Body_that_is_not_json_by_its_content_type_is_refused_415(string why, string? contentType)
    {
        var before = await CountAsync("charges");

        using var response = await PostRawAsync("/v1/charges", Encoding.UTF8.GetBytes(Valid), contentType);

        Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{why}: {(int)response.StatusCode}");
        Assert.Equal("unsupported_media_type", await CodeAsync(response));
        Assert.Equal(before, await CountAsync("charges"));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON; Charset=\"UTF-8\"")]
    public async Task Json_content_type_with_or_without_a_utf8_charset_is_accepted(string contentType)
    {
        using var response = await PostRawAsync("/v1/charges", Encoding.UTF8.GetBytes(Valid), contentType);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { "a member twice", """{"amount": 1000, "amount": 1, "currency": "USD", "payment_method": "pm_card_visa"}""" },
        { "a member twice, one escaped", """{"amount": 1000, "\u0061mount": 1, "currency": "USD", "payment_method": "pm_card_visa"}""" },
        { "a metadata key twice", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "metadata": {"a": "x", "a": "y"}}""" },
        { "a lone high surrogate", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "description": "a\ud800b"}""" },
        { "a lone low surrogate", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "description": "\udc00"}""" },
        { "surrogates in the wrong order", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "description": "\udc00\ud800"}""" },
        { "a lone surrogate in a member name", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "metadata": {"\ud83d": "x"}}""" },
        { "a nul in a metadata key", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "metadata": {"a\u0000": "x"}}""" },
        { "null description", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "description": null}""" },
        { "null order id", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "order_id": null}""" },
        { "null metadata", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "metadata": null}""" },
        { "null metadata value", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "metadata": {"a": null}}""" },
        { "null capture flag", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "capture": null}""" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Charge_body_breaking_the_strict_json_rules_is_refused_and_records_nothing(string why, string body)
    {
        var before = await CountAsync("charges");

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", ChargeBodies.NewKey(), body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode}");
        Assert.Equal("invalid_request", await CodeAsync(response));
        Assert.Equal(before, await CountAsync("charges"));
    }

    public static TheoryData<string, byte[]> NotUtf8 => new()
    {
        { "a 0xFF byte", [.. "{\"amount\": 1000, \"currency\": \"USD\", \"payment_method\": \"pm_card_visa\", \"description\": \""u8, 0xFF, .. "\"}"u8] },
        { "an overlong slash", [.. "{\"amount\": 1000, \"currency\": \"USD\", \"payment_method\": \"pm_card_visa\", \"description\": \""u8, 0xC0, 0xAF, .. "\"}"u8] },
        { "an encoded surrogate", [.. "{\"amount\": 1000, \"currency\": \"USD\", \"payment_method\": \"pm_card_visa\", \"description\": \""u8, 0xED, 0xA0, 0x80, .. "\"}"u8] },
        { "a truncated sequence", [.. "{\"amount\": 1000, \"currency\": \"USD\", \"payment_method\": \"pm_card_visa\", \"description\": \""u8, 0xE2, 0x82, .. "\"}"u8] },
        { "latin-1 in a member name", [.. "{\"amount\": 1000, \"currency\": \"USD\", \"payment_method\": \"pm_card_visa\", \"metadata\": {\"caf"u8, 0xE9, .. "\": \"x\"}}"u8] },
    };

    [Theory]
    [MemberData(nameof(NotUtf8))]
    public async Task Body_that_is_not_utf8_is_malformed_json_and_records_nothing(string why, byte[] body)
    {
        var before = await CountAsync("charges");

        using var response = await PostRawAsync("/v1/charges", body, "application/json");

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode}");
        Assert.Equal("malformed_json", await CodeAsync(response));
        Assert.Equal(before, await CountAsync("charges"));
    }

    [Theory]
    [InlineData("capture", """{"amount": null}""")]
    [InlineData("refunds", """{"amount": null}""")]
    [InlineData("refunds", """{"reason": null}""")]
    public async Task Null_amount_or_reason_on_an_operation_is_not_the_default_and_changes_nothing(string operation, string body)
    {
        var chargeId = await CreateChargeAsync(capture: operation != "capture");
        var statusBefore = await service.Database.ScalarAsync<string>("SELECT status FROM charges WHERE id = $1", chargeId);
        var refundsBefore = await CountAsync("refunds");

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{chargeId}/{operation}", ChargeBodies.NewKey(), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await CodeAsync(response));
        Assert.Equal(statusBefore, await service.Database.ScalarAsync<string>("SELECT status FROM charges WHERE id = $1", chargeId));
        Assert.Equal(refundsBefore, await CountAsync("refunds"));
        Assert.Equal(0, await service.MovementsAsync(chargeId, operation == "capture" ? "capture" : "refund"));
    }

    [Fact]
    public async Task Two_idempotency_key_headers_are_refused_and_record_nothing()
    {
        var before = await CountAsync("charges");

        // HttpClient folds two values into one line; two lines need the wire itself.
        var answer = await SendRawAsync(
            "POST /v1/charges HTTP/1.1\r\n" +
            "Host: 127.0.0.1\r\n" +
            $"Authorization: Bearer {ServiceFixture.MerchantKey}\r\n" +
            "Content-Type: application/json\r\n" +
            $"Idempotency-Key: {ChargeBodies.NewKey()}\r\n" +
            $"Idempotency-Key: {ChargeBodies.NewKey()}\r\n" +
            $"Content-Length: {Encoding.UTF8.GetByteCount(Valid)}\r\n" +
            "Connection: close\r\n\r\n" + Valid);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("\"idempotency_key_invalid\"", answer, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync("charges"));
    }

    [Theory]
    [InlineData("/v1/charges?starting_after={0}")]
    [InlineData("/v1/disputes?starting_after={0}")]
    [InlineData("/v1/events?after={0}")]
    public async Task List_cursor_naming_another_merchants_object_is_refused(string pathTemplate)
    {
        var otherCharge = await CreateChargeAsync(capture: true, client: service.OtherMerchant);
        var cursor = pathTemplate.Contains("events", StringComparison.Ordinal)
            ? await service.Database.ScalarAsync<string>("SELECT event_id FROM outbox WHERE charge_id = $1 ORDER BY id LIMIT 1", otherCharge)
            : otherCharge;

        using var response = await service.Merchant.GetAsync(string.Format(CultureInfo.InvariantCulture, pathTemplate, cursor));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await CodeAsync(response));
    }

    [Theory]
    [InlineData("/v1/charges?starting_after=ch_doesnotexist")]
    [InlineData("/v1/disputes?starting_after=dp_doesnotexist")]
    [InlineData("/v1/webhook_endpoints?starting_after=we_doesnotexist")]
    [InlineData("/v1/events?after=evt_doesnotexist")]
    public async Task List_cursor_naming_no_object_is_refused(string path)
    {
        using var response = await service.Merchant.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await CodeAsync(response));
    }

    [Fact]
    public async Task List_cursor_of_the_merchants_own_last_charge_is_an_empty_page()
    {
        var oldest = await service.Database.ScalarAsync<string>(
            "SELECT id FROM charges WHERE merchant_id = 'mch_demo' ORDER BY created_at, id LIMIT 1") ?? await CreateChargeAsync(capture: true);

        using var response = await service.Merchant.GetAsync($"/v1/charges?starting_after={oldest}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await ServiceFixture.ReadObjectAsync(response))["data"]!.AsArray());
    }

    [Theory]
    [InlineData("x-respond-async")]
    [InlineData("respond-asynchronously")]
    [InlineData("wait=10; note=respond-async")]
    [InlineData("return=\"respond-async\"")]
    public async Task Prefer_that_only_mentions_respond_async_waits_for_the_outcome(string prefer)
    {
        using var response = await PostWithPreferAsync(prefer);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("respond-async")]
    [InlineData("wait=10, respond-async")]
    [InlineData("respond-async; ignored=1")]
    [InlineData("return=minimal,respond-async")]
    [InlineData("  respond-async  ")]
    public async Task Prefer_with_the_respond_async_token_answers_at_once(string prefer)
    {
        await service.SetFaultsAsync(new { latency_ms = new { min = 1500, max = 1500 } });
        try
        {
            using var response = await PostWithPreferAsync(prefer);

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        finally
        {
            await service.ClearFaultsAsync();
        }
    }

    public static TheoryData<string> InsaneTimestamps => new()
    {
        "-1",
        "+1",
        "0",
        "1e10",
        "253402300800",
        "99999999999999999999999",
        "9223372036854775807",
        "",
        " ",
    };

    [Theory]
    [MemberData(nameof(InsaneTimestamps))]
    public async Task Psp_webhook_with_a_timestamp_no_clock_can_show_is_400_and_recorded_nowhere(string t)
    {
        var before = await CountAsync("psp_webhook_events");
        const string Body = """{"id": "evt_insane_time", "type": "payment_intent.succeeded", "created": 1, "data": {"object": {"id": "pi_x", "object": "payment_intent", "status": "succeeded", "metadata": {}}}}""";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ServiceFixture.WebhookSecret), Encoding.UTF8.GetBytes($"{t}.{Body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/psp/webhooks") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={t},v1={signature}");

        using var response = await service.Merchant.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await CountAsync("psp_webhook_events"));
    }

    private async Task<string> SendRawAsync(string request)
    {
        var address = new Uri(service.ServiceUrl);
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private async Task<HttpResponseMessage> PostWithPreferAsync(string prefer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/charges") { Content = new StringContent(Valid, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", ChargeBodies.NewKey());
        request.Headers.TryAddWithoutValidation("Prefer", prefer);
        return await service.Merchant.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PostRawAsync(string path, byte[] body, string? contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = null;
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        request.Headers.Add("Idempotency-Key", ChargeBodies.NewKey());
        return await service.Merchant.SendAsync(request);
    }

    private async Task<string> CreateChargeAsync(bool capture, HttpClient? client = null)
    {
        using var response = await ServiceFixture.PostChargeAsync(client ?? service.Merchant, ChargeBodies.NewKey(), new { amount = 2500, currency = "USD", payment_method = "pm_card_visa", capture });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
    }

    private Task<long> CountAsync(string table) => service.Database.ScalarAsync<long>($"SELECT count(*) FROM {table}");

    private static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (string?)(await ServiceFixture.ReadObjectAsync(response))["code"];
    }
}
