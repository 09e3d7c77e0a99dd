namespace Payments.Ingress.OpenApi;

/// <summary>
/// Whose key a route group takes, as endpoint metadata: set once by <c>RequireMerchant</c> and
/// <c>RequireOperator</c>, read by the OpenAPI document for its security requirement and the
/// answers every route of that API can give. Only routes with a caller are in the document.
/// </summary>
internal enum ApiCaller
{
    Merchant,
    Operator,
}
