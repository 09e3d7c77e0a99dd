using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Payments.Ingress.Validation;

namespace Payments.Ingress.OpenApi;

/// <summary>
/// The rules every route of a kind shares, stated once: the key it takes, the idempotency and
/// <c>Prefer</c> headers of a POST, <c>Idempotent-Replayed</c> on its answers, and the problem codes
/// that authentication, the POST checks, an id in the path and the database can give. A route adds
/// only its own answers and codes (<see cref="ApiDescriptionExtensions"/>); one without them fails
/// the document, so no route can be left undescribed.
/// </summary>
internal sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var method = description.HttpMethod ?? "";
        var route = $"{method} /{description.RelativePath}";
        var document = context.Document;
        var caller = metadata.OfType<ApiCaller>().Last();
        var answers = metadata.OfType<ApiAnswers>().LastOrDefault()
            ?? throw new InvalidOperationException($"{route} does not say what it answers: add .Answers(...) where it is mapped.");
        var post = HttpMethods.IsPost(method);
        var merchantPost = metadata.OfType<MerchantPostBody>().LastOrDefault();

        // "CreateCharge" reads "Create charge" in the reference page's list of operations.
        operation.Summary ??= Words(operation.OperationId ?? route);
        var scheme = caller == ApiCaller.Merchant ? ApiDocumentTransformer.MerchantScheme : ApiDocumentTransformer.OperatorScheme;
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] }];

        if (post)
        {
            var body = metadata.OfType<ApiBody>().LastOrDefault()
                ?? throw new InvalidOperationException($"{route} does not say what body it takes: add .Takes(...) where it is mapped.");
            operation.Parameters ??= [];
            operation.Parameters.Add(Header(IdempotencyKey.Header, required: true,
                "1 to 255 printable ASCII characters, scoped to the merchant and the operation, kept at least 24 hours. " +
                "The same key with the same request answers the object's current state; with a different request, 422 `idempotency_key_reused`.",
                new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255 }));
            if (body.HonoursPrefer)
            {
                operation.Parameters.Add(Header("Prefer", required: false,
                    "RFC 7240 preferences; `respond-async` answers 202 as soon as the request is durably recorded, without waiting for the PSP.",
                    new OpenApiSchema { Type = JsonSchemaType.String, Examples = [JsonValue.Create("respond-async")] }));
            }

            operation.RequestBody = new OpenApiRequestBody
            {
                Required = merchantPost is not { EmptyBodyAllowed: true },
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    ["application/json"] = new() { Schema = new OpenApiSchemaReference(body.Schema, document) },
                },
            };
        }

        operation.Responses = [];
        foreach (var status in answers.Statuses)
        {
            operation.Responses[Status(status)] = Success(status, answers.Schema, post, document);
        }

        var codes = CommonCodes(caller, method, description.RelativePath ?? "", merchantPost is not null).Concat(answers.Problems).Distinct(StringComparer.Ordinal);
        foreach (var byStatus in codes.GroupBy(code => ApiProblemCodes.All.TryGetValue(code, out var known) ? known.Status
                     : throw new InvalidOperationException($"{route}: problem code {code} is not in ApiProblemCodes.")).OrderBy(g => g.Key))
        {
            operation.Responses[Status(byStatus.Key)] = Problem(byStatus.Key, [.. byStatus], document);
        }

        return Task.CompletedTask;
    }

    /// <summary>The codes any route of this kind can answer, whatever its handler does.</summary>
    private static IEnumerable<string> CommonCodes(ApiCaller caller, string method, string path, bool behindPostChecks)
    {
        yield return "unauthenticated";
        yield return "rate_limited";
        if (caller == ApiCaller.Operator)
        {
            yield return "forbidden";
        }

        // Card numbers are looked for in the path and the query string of every request.
        yield return "pan_not_allowed";
        if (path.Contains('{', StringComparison.Ordinal))
        {
            yield return "not_found";
        }

        if (HttpMethods.IsGet(method))
        {
            yield return "unavailable";
            yield break;
        }

        // A write whose commit broke under way cannot tell whether it was recorded.
        yield return "outcome_unknown";
        if (!HttpMethods.IsPost(method))
        {
            yield break;
        }

        foreach (var code in new[] { "idempotency_key_missing", "idempotency_key_invalid", "malformed_json", "invalid_request", "idempotency_key_reused" })
        {
            yield return code;
        }

        if (behindPostChecks)
        {
            yield return "payload_too_large";
            yield return "unsupported_media_type";
        }
    }

    private static OpenApiResponse Success(int status, string schema, bool post, OpenApiDocument? document)
    {
        var response = new OpenApiResponse
        {
            Description = status switch
            {
                StatusCodes.Status201Created => "Created: the object, in its final state if it reached one in time.",
                StatusCodes.Status202Accepted => "Accepted: durably recorded and still pending with the PSP; it reaches a final state without the client doing anything.",
                _ => "OK",
            },
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/json"] = new() { Schema = new OpenApiSchemaReference(schema, document) },
            },
            Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal),
        };
        if (post)
        {
            response.Headers["Idempotent-Replayed"] = new OpenApiHeader
            {
                Description = "`true` when this answers a replay of an earlier request with the same key and body: the object's current state.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] },
            };
        }

        if (status == StatusCodes.Status202Accepted)
        {
            response.Headers["Retry-After"] = RetryAfter();
        }

        return response;
    }

    private static OpenApiResponse Problem(int status, string[] codes, OpenApiDocument? document)
    {
        var response = new OpenApiResponse
        {
            Description = string.Join("\n", codes.Select(code => $"- `{code}`: {ApiProblemCodes.All[code].Meaning}")),
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/problem+json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        AllOf =
                        [
                            new OpenApiSchemaReference(ApiSchemas.Problem, document),
                            new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                                {
                                    ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. codes.Select(c => (JsonNode)JsonValue.Create(c))] },
                                },
                            },
                        ],
                    },
                },
            },
        };
        if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable || codes.Contains("operation_in_progress"))
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal) { ["Retry-After"] = RetryAfter() };
        }

        return response;
    }

    private static OpenApiParameter Header(string name, bool required, string description, OpenApiSchema schema) =>
        new() { Name = name, In = ParameterLocation.Header, Required = required, Description = description, Schema = schema };

    private static OpenApiHeader RetryAfter() => new()
    {
        Description = "Seconds to wait before retrying (with the same Idempotency-Key).",
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
    };

    private static string Words(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));

    private static string Status(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
