using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Validation;

/// <summary>Every merchant POST goes through the same checks, in the same order, with the same answers.</summary>
public sealed class MerchantPostPipelineTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    public static TheoryData<string> EveryMerchantPost() =>
    [
        "/v1/charges",
        "/v1/charges/ch_unknown/capture",
        "/v1/charges/ch_unknown/void",
        "/v1/charges/ch_unknown/refunds",
        "/v1/webhook_endpoints",
        "/v1/webhook_endpoints/we_unknown/deliveries/wd_1/redeliver",
        "/v1/webhook_endpoints/we_unknown/deliveries/redeliver_failed",
    ];

    [Theory]
    [MemberData(nameof(EveryMerchantPost))]
    public async Task Post_without_an_idempotency_key_is_refused(string path)
    {
        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, path, null, "{}");

        await AssertProblemAsync(response, "idempotency_key_missing");
    }

    [Theory]
    [MemberData(nameof(EveryMerchantPost))]
    public async Task Post_with_a_card_number_hidden_in_a_json_escape_is_refused(string path)
    {
        // "\u0034" is "4": only the decoded string shows the card number.
        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, path, ChargeBodies.NewKey(), """{"note": "\u0034242424242424242"}""");

        await AssertProblemAsync(response, "pan_not_allowed");
    }

    [Theory]
    [MemberData(nameof(EveryMerchantPost))]
    public async Task Post_with_a_nul_character_is_refused(string path)
    {
        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, path, ChargeBodies.NewKey(), """{"note": "a\u0000b"}""");

        await AssertProblemAsync(response, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(EveryMerchantPost))]
    public async Task Post_with_malformed_json_is_refused(string path)
    {
        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, path, ChargeBodies.NewKey(), """{"note": """);

        await AssertProblemAsync(response, "malformed_json");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string code)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
    }
}
