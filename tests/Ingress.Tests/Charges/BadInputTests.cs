using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Charges;

/// <summary>Bad input gets the contract's 4xx with its code, nothing is recorded, and the service keeps serving.</summary>
public sealed class BadInputTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string Valid = """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa"}""";

    public static TheoryData<string, string, int, string> Bodies => new()
    {
        { "malformed json", """{"amount": 1000, "currency": """, 400, "malformed_json" },
        { "not an object", """[1, 2]""", 400, "invalid_request" },
        { "zero amount", """{"amount": 0, "currency": "USD", "payment_method": "pm_card_visa"}""", 400, "invalid_request" },
        { "negative amount", """{"amount": -5, "currency": "USD", "payment_method": "pm_card_visa"}""", 400, "invalid_request" },
        { "amount above the maximum", """{"amount": 100000000, "currency": "USD", "payment_method": "pm_card_visa"}""", 400, "invalid_request" },
        // Twenty nines: no 13-19 digit window of them passes Luhn, so this is an amount, not a card number.
        { "overflowing amount", """{"amount": 99999999999999999999, "currency": "USD", "payment_method": "pm_card_visa"}""", 400, "invalid_request" },
        { "fractional amount", """{"amount": 10.5, "currency": "USD", "payment_method": "pm_card_visa"}""", 400, "invalid_request" },
        { "amount as a string", """{"amount": "1000", "currency": "USD", "payment_method": "pm_card_visa"}""", 400, "invalid_request" },
        { "unknown currency", """{"amount": 1000, "currency": "XYZ", "payment_method": "pm_card_visa"}""", 400, "invalid_request" },
        { "lower-case currency", """{"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa"}""", 400, "invalid_request" },
        { "missing payment method", """{"amount": 1000, "currency": "USD"}""", 400, "invalid_request" },
        { "unknown field", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "amout": 1}""", 400, "invalid_request" },
        { "too many metadata keys", $$$"""{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "metadata": { {{{string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"k{i}\": \"v\""))}}} }}""", 400, "invalid_request" },
        { "card number as payment method", """{"amount": 1000, "currency": "USD", "payment_method": "4242424242424242"}""", 400, "pan_not_allowed" },
        { "card number in metadata", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "metadata": {"note": "card 4000-0566-5566-5556"}}""", 400, "pan_not_allowed" },
        { "card number in description", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "description": "paid with 5555 5555 5555 4444 thanks"}""", 400, "pan_not_allowed" },
        { "escaped card number", """{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "description": "\u0034242424242424242"}""", 400, "pan_not_allowed" },
        { "card number in broken json", """{"amount": 1000, "card": "378282246310005" """, 400, "pan_not_allowed" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Bad_body_is_refused_with_its_code_and_records_nothing(string why, string body, int status, string code)
    {
        var before = await ChargeCountAsync();

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", ChargeBodies.NewKey(), body);

        Assert.True((int)response.StatusCode == status, $"{why}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        Assert.Equal(before, await ChargeCountAsync());
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData(null, "idempotency_key_missing")]
    [InlineData("", "idempotency_key_missing")]
    [InlineData("k\tey", "idempotency_key_invalid")]
    public async Task Missing_or_invalid_idempotency_key_is_refused(string? key, string code)
    {
        var before = await ChargeCountAsync();

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", key, Valid);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        Assert.Equal(before, await ChargeCountAsync());
    }

    [Fact]
    public async Task Idempotency_key_of_256_characters_is_refused_and_255_is_accepted()
    {
        using var tooLong = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", new string('k', 256), Valid);
        using var longest = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", new string('k', 254) + Guid.NewGuid().ToString("N")[..1], Valid);

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("idempotency_key_invalid", (string?)(await ServiceFixture.ReadObjectAsync(tooLong))["code"]);
        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
    }

    [Fact]
    public async Task One_mebibyte_body_is_refused_as_too_large()
    {
        var before = await ChargeCountAsync();
        var huge = $$"""{"amount": 1000, "currency": "USD", "payment_method": "pm_card_visa", "description": "{{new string('x', 1024 * 1024)}}"}""";

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", ChargeBodies.NewKey(), huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        Assert.Equal(before, await ChargeCountAsync());
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk_test_not_a_key")]
    public async Task Missing_or_unknown_api_key_is_unauthenticated(string? key)
    {
        using var client = new HttpClient { BaseAddress = new Uri(service.ServiceUrl) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await ServiceFixture.PostJsonAsync(client, "/v1/charges", ChargeBodies.NewKey(), Valid);
        using var read = await client.GetAsync("/v1/charges");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthenticated", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
    }

    private Task<long> ChargeCountAsync() => service.Database.ScalarAsync<long>("SELECT count(*) FROM charges");

    private async Task AssertStillServingAsync()
    {
        using var ok = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", ChargeBodies.NewKey(), Valid, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
    }
}
