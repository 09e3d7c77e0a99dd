using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Payments.Ingress.OpenApi;

/// <summary>The document's description, its two bearer security schemes and the shapes routes refer to.</summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string MerchantScheme = "merchantKey";
    public const string OperatorScheme = "operatorKey";

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
