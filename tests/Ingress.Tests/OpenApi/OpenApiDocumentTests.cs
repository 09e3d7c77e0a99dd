using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.OpenApi;

public sealed partial class OpenApiDocumentTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    /// <summary>
    /// Routes that are not the merchant or operator API: the PSP's webhook URL (configured at the PSP,
    /// verified by its own signature), health and metrics (for probes and Prometheus), and the
    /// document and reference page themselves.
    /// </summary>
    private static readonly string[] NotInTheApi = ["/psp/webhooks", "/healthz", "/readyz", "/metrics", "/openapi/", "/docs"];

    [Fact]
    public async Task Every_mapped_merchant_and_operator_route_is_in_the_document_and_nothing_else()
    {
        var mapped = service.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => !NotInTheApi.Any(prefix => ("/" + endpoint.RoutePattern.RawText?.TrimStart('/')).StartsWith(prefix, StringComparison.Ordinal)))
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["(any)"])
                .Select(method => $"{method} {Normalize(endpoint.RoutePattern.RawText!)}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        var document = await GetDocumentAsync();
        var described = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(mapped.Count >= 30, $"only {mapped.Count} routes found: {string.Join(", ", mapped)}");
        Assert.Equal(mapped, described);
    }

    [Fact]
    public async Task The_document_reads_without_errors_and_passes_the_OpenAPI_rules()
    {
        using var client = new HttpClient { BaseAddress = new Uri(service.ServiceUrl) };
        await using var stream = await client.GetStreamAsync("/openapi/v1.json");

        var (document, diagnostic) = await OpenApiDocument.LoadAsync(stream, "json", new OpenApiReaderSettings());

        Assert.NotNull(document);
        Assert.Empty(diagnostic!.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        Assert.Empty(document.Validate(ValidationRuleSet.GetDefaultRuleSet())!.Select(e => $"{e.Pointer}: {e.Message}"));
        // Every reference resolves to a shape the document holds.
        var text = await client.GetStringAsync("/openapi/v1.json");
        // Kept for .ci/run, which lints it with Redocly's rules too when node is there.
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "openapi-v1.json"), text);
        foreach (Match reference in SchemaReference().Matches(text))
        {
            Assert.True(document.Components!.Schemas!.ContainsKey(reference.Groups[1].Value), $"unresolved {reference.Value}");
        }
    }

    [Fact]
    public async Task Every_POST_takes_an_Idempotency_Key_and_marks_replays_and_every_operation_a_bearer_key()
    {
        var document = await GetDocumentAsync();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("bearer", (string?)schemes["merchantKey"]!["scheme"]);
        Assert.Equal("bearer", (string?)schemes["operatorKey"]!["scheme"]);

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var name = $"{method} {path}";
                var scheme = path.StartsWith("/v1/reconciliation", StringComparison.Ordinal) || path.StartsWith("/v1/ledger", StringComparison.Ordinal)
                    || path.StartsWith("/v1/merchants", StringComparison.Ordinal) ? "operatorKey" : "merchantKey";
                Assert.True(operation!["security"]?[0]?[scheme] is not null, $"{name} has no {scheme} security requirement");
                Assert.Equal("unauthenticated", ProblemCodes(operation, "401").Single());
                if (method != "post")
                {
                    continue;
                }

                var key = operation["parameters"]!.AsArray().SingleOrDefault(p => (string?)p!["name"] == "Idempotency-Key");
                Assert.True(key is not null && (bool?)key["required"] == true && (string?)key["in"] == "header", $"{name} has no required Idempotency-Key");
                Assert.NotNull(operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]);
                var successes = operation["responses"]!.AsObject().Where(r => r.Key.StartsWith('2')).ToList();
                Assert.NotEmpty(successes);
                Assert.All(successes, success => Assert.NotNull(success.Value!["headers"]?["Idempotent-Replayed"]));
                Assert.Contains("idempotency_key_missing", ProblemCodes(operation, "400"));
                Assert.Contains("idempotency_key_reused", ProblemCodes(operation, "422"));
            }
        }
    }

    [Fact]
    public async Task The_charge_routes_state_the_contracts_answers_codes_and_Prefer()
    {
        var document = await GetDocumentAsync();
        var create = document["paths"]!["/v1/charges"]!["post"]!;
        var capture = document["paths"]!["/v1/charges/{id}/capture"]!["post"]!;
        var operatorRoute = document["paths"]!["/v1/ledger/balances"]!["get"]!;

        Assert.Equal(["201", "202", "400", "401", "409", "413", "415", "422", "429", "500", "503"], create["responses"]!.AsObject().Select(r => r.Key));
        Assert.Equal("#/components/schemas/Charge", (string?)create["responses"]!["201"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Equal(["duplicate_order", "suspected_duplicate"], ProblemCodes(create, "409"));
        Assert.Equal(["overloaded", "unavailable"], ProblemCodes(create, "503").Order(StringComparer.Ordinal));
        Assert.Contains("pan_not_allowed", ProblemCodes(create, "400"));
        Assert.Contains(create["parameters"]!.AsArray(), p => (string?)p!["name"] == "Prefer");
        Assert.DoesNotContain(capture["parameters"]!.AsArray(), p => (string?)p!["name"] == "Prefer");
        Assert.Equal(["amount_below_splits", "amount_exceeds_capturable", "idempotency_key_reused"], ProblemCodes(capture, "422").Order(StringComparer.Ordinal));
        Assert.Contains("operation_in_progress", ProblemCodes(capture, "409"));
        Assert.Equal("forbidden", ProblemCodes(operatorRoute, "403").Single());
        Assert.Equal("#/components/schemas/LedgerBalanceList", (string?)operatorRoute["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
    }

    [Fact]
    public async Task The_reference_page_serves_its_script_from_the_service_not_a_CDN()
    {
        using var client = new HttpClient { BaseAddress = new Uri(service.ServiceUrl + "/docs/") };

        var page = await client.GetStringAsync("");
        var scripts = ScriptSource().Matches(page).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.DoesNotContain("//", script, StringComparison.Ordinal);
            using var response = await client.GetAsync(script);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("javascript", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }
    }

    [BrowserFact]
    public async Task The_reference_page_renders_the_charge_endpoints_in_a_real_browser()
    {
        var url = service.ServiceUrl + "/docs/";

        var dom = await HeadlessChromium.DumpDomAsync(url);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "openapi-docs.png");
        await HeadlessChromium.ScreenshotAsync(url, screenshot);

        // Text the page's scripts rendered from the document: the static HTML holds none of it.
        var text = Space().Replace(WebUtility.HtmlDecode(Tag().Replace(ScriptOrStyle().Replace(dom, " "), " ")), " ").Replace(" /", "/", StringComparison.Ordinal);
        Assert.Contains("Payments API", text, StringComparison.Ordinal);
        foreach (var shown in new[] { "Create charge", "Capture charge", "Void charge", "List charges", "/v1/charges/{id}/capture", "Idempotency-Key" })
        {
            Assert.True(text.Contains(shown, StringComparison.Ordinal), $"the page does not show \"{shown}\"; it shows: {text[..Math.Min(text.Length, 2000)]}");
        }

        Assert.True(new FileInfo(screenshot).Length > 10_000, $"the screenshot {screenshot} is (nearly) empty");
    }

    private async Task<JsonNode> GetDocumentAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri(service.ServiceUrl) };
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static IEnumerable<string> ProblemCodes(JsonNode operation, string status) =>
        operation["responses"]?[status]?["content"]?["application/problem+json"]?["schema"]?["allOf"]?[1]?["properties"]?["code"]?["enum"]?.AsArray()
            .Select(code => (string)code!) ?? [];

    /// <summary>"/v1/charges/" and "/v1/charges" are one route; the document writes it without the slash.</summary>
    private static string Normalize(string pattern) => "/" + pattern.Trim('/');

    [GeneratedRegex("\"\\$ref\": \"#/components/schemas/([^\"]+)\"")]
    private static partial Regex SchemaReference();

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();

    [GeneratedRegex("<script.*?</script>|<style.*?</style>", RegexOptions.Singleline)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex("\\s+")]
    private static partial Regex Space();
}
