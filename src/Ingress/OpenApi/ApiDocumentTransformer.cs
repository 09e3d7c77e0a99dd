using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Payments.Ingress.OpenApi;

/// <summary>The document's description, its two bearer security schemes and the shapes routes refer to.</summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string MerchantScheme = "merchantKey";
    public const string OperatorScheme = "operatorKey";

    /// <summary>A line for each group of routes (their <c>WithTags</c>), shown above them on the reference page.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Charges"] = "Create, read, capture and void charges. A charge reaches a final state within 2 minutes without the client doing anything.",
        ["Refunds"] = "Refunds of a captured charge, partial or whole, made through the API or at the PSP (`origin`).",
        ["Disputes"] = "Disputes the PSP reported on the merchant's charges.",
        ["Sellers"] = "The marketplace's sellers, who are paid their splits of captured charges.",
        ["Payouts"] = "Money out to a seller's or the merchant's bank account, made exactly once at the PSP.",
        ["Balances"] = "Available and pending money of the merchant and of each seller.",
        ["Events"] = "Every change of a charge, refund, dispute or payout, in commit order.",
        ["Webhook endpoints"] = "Where events are delivered (signed `Payments-Signature`), and the deliveries.",
        ["Ledger (operator)"] = "The platform operator's view of every account's balance.",
        ["Reconciliation (operator)"] = "Settlement reports matched to what the service recorded, and what did not match.",
        ["Merchant keys (operator)"] = "Rolling and revoking merchants' secret keys.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info = new OpenApiInfo
        {
            Title = "Payments API",
            Version = "v1",
            Description = """
                The merchant API (charges, refunds, disputes, sellers, balances, payouts, events, webhook endpoints)
                and the platform operator's API (reconciliation, ledger, merchant keys).

                Every POST takes an `Idempotency-Key`; a replay answers the object's current state with
                `Idempotent-Replayed: true`. Errors are `application/problem+json` with a stable `code`.
                """,
        };

        // The generator writes the request's base URL with its slash; paths already start with one.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            tag.Description ??= tag.Name is { } name && TagDescriptions.TryGetValue(name, out var text) ? text : null;
        }

        // Whatever the generator found (there are no C# response types) is replaced by the contract's shapes.
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas = ApiSchemas.All();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
        {
            [MerchantScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A merchant's secret key: `Authorization: Bearer sk_…`. The operator key is refused here (401).",
            },
            [OperatorScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The platform operator's key (`Operator__ApiKey`). A merchant key is refused here (403 `forbidden`).",
            },
        };
        return Task.CompletedTask;
    }
}
