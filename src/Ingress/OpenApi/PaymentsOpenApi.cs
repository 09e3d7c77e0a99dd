using Scalar.AspNetCore;

namespace Payments.Ingress.OpenApi;

/// <summary>
/// The OpenAPI document of the merchant and operator APIs at <c>/openapi/v1.json</c>, and a reference
/// page for people at <c>/docs</c>. Both are public: they describe the API, they hold no data.
/// </summary>
internal static class PaymentsOpenApi
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/docs";

    public static IServiceCollection AddPaymentsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            // The APIs that take a key; the PSP's webhook URL, health and metrics are for machines
            // that are configured, not integrated against.
            options.ShouldInclude = description => description.ActionDescriptor.EndpointMetadata.OfType<ApiCaller>().Any();
            options.AddDocumentTransformer<ApiDocumentTransformer>();
            options.AddOperationTransformer<ApiOperationTransformer>();
        });

    public static WebApplication MapPaymentsOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(ReferencePath, options =>
        {
            options.Title = "Payments API";
            // The page is served whole by the service (its script is embedded in Scalar.AspNetCore,
            // not fetched from a CDN), so it works where the service has no internet; nothing is
            // sent anywhere else.
            options.DefaultFonts = false;
            options.Telemetry = false;
            options.AddPreferredSecuritySchemes(ApiDocumentTransformer.MerchantScheme);
        });
        return app;
    }
}
