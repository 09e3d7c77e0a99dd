namespace PspSimulator.Protocol;

/// <summary>
/// One answer of the Stripe-shaped API: a status code and the exact JSON bytes. The idempotency
/// store keeps this object, not a model, so a replay is byte for byte the answer that was saved.
/// </summary>
internal sealed record StripeResponse(int StatusCode, ReadOnlyMemory<byte> Body) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>Set on an answer served from the idempotency store.</summary>
    public bool Replayed { get; init; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    string IContentTypeHttpResult.ContentType => JsonContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = JsonContentType;
        response.ContentLength = Body.Length;
        response.Headers["Request-Id"] = Ids.New("req");
        if (Replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }

        return response.Body.WriteAsync(Body, httpContext.RequestAborted).AsTask();
    }
}
