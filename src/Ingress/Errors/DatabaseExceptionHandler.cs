using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Payments.Pipeline.Storage;

namespace Payments.Ingress.Errors;

/// <summary>
/// The one place a request that met a database failure is answered (every route, GETs as much as
/// POSTs). A read recorded nothing: <c>503 unavailable</c>, retry. A write may have committed
/// before the connection broke, and only the operation itself could know better (charge creation
/// does, and answers on its own): <c>500 outcome_unknown</c>, retry with the same Idempotency-Key.
/// "Nothing recorded" is never promised where it is not known.
/// </summary>
internal sealed partial class DatabaseExceptionHandler(ILogger<DatabaseExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not (NpgsqlException or DatabaseUnreachableException or TimeoutException { InnerException: NpgsqlException }))
        {
            return false;
        }

        var reads = HttpMethods.IsGet(httpContext.Request.Method) || HttpMethods.IsHead(httpContext.Request.Method);
        // The route's pattern, not the path: a path is the client's text (it could hold a card number).
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        LogDatabaseFailure(logger, httpContext.Request.Method, (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)", exception.GetType().Name);
        if (reads)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        await (reads ? ApiProblems.Unavailable() : ApiProblems.OutcomeUnknown()).ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "{Method} {Route} met a database failure ({Exception}); answered as the commit rule says")]
    private static partial void LogDatabaseFailure(ILogger logger, string method, string route, string exception);
}
