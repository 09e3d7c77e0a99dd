namespace Payments.Ingress.OpenApi;

/// <summary>What a route answers when it succeeds (one schema, its statuses) and the problem codes of its own.</summary>
/// <remarks>
/// The codes every route of its kind can give (authentication, the POST checks, an unknown id) are
/// added by <see cref="ApiOperationTransformer"/>; only the route's own belong here.
/// </remarks>
internal sealed record ApiAnswers(string Schema, IReadOnlyList<int> Statuses, IReadOnlyList<string> Problems);
