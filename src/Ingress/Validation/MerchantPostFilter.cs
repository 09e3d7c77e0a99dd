namespace Payments.Ingress.Validation;

/// <summary>What one merchant POST route accepts as a body: empty or not, and which members.</summary>
internal sealed record MerchantPostBody(bool EmptyBodyAllowed, IReadOnlySet<string>? KnownFields);

/// <summary>
/// The one merchant POST pipeline, as an endpoint filter on each merchant group: every POST of
/// the group passes <see cref="MerchantPost.ReadAsync"/> (Idempotency-Key, body limit, the
/// client-gave-up guard, JSON, card numbers in the raw text and in every decoded string, NUL,
/// unknown members) before its handler runs, so no route can forget a check or drift from the
/// others. A POST route says what body it takes with <see cref="Accepts"/>.
/// </summary>
internal static class MerchantPostFilter
{
    private static readonly object RequestKey = new();

    /// <summary>Runs the merchant POST checks for every POST route of <paramref name="group"/>.</summary>
    public static RouteGroupBuilder WithMerchantPosts(this RouteGroupBuilder group) => group.AddEndpointFilter(InvokeAsync);

    /// <summary>The body this POST route takes.</summary>
    public static RouteHandlerBuilder Accepts(this RouteHandlerBuilder route, bool emptyBodyAllowed, IReadOnlySet<string>? knownFields = null) =>
        route.WithMetadata(new MerchantPostBody(emptyBodyAllowed, knownFields));

    /// <summary>The request the filter accepted; its body is disposed when the handler is done.</summary>
    public static MerchantPost.Accepted MerchantPostRequest(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[RequestKey] as MerchantPost.Accepted
            ?? throw new InvalidOperationException("This route is not behind the merchant POST filter.");
    }

    private static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return await next(invocation).ConfigureAwait(false);
        }

        var body = http.GetEndpoint()?.Metadata.GetMetadata<MerchantPostBody>()
            ?? throw new InvalidOperationException($"POST {http.Request.Path} does not say what body it accepts.");
        var (request, problem) = await MerchantPost.ReadAsync(http, body.EmptyBodyAllowed, http.RequestAborted, body.KnownFields).ConfigureAwait(false);
        if (request is null)
        {
            return problem;
        }

        using (request.Body)
        {
            http.Items[RequestKey] = request;
            return await next(invocation).ConfigureAwait(false);
        }
    }
}
