using Payments.Ingress.Errors;

namespace Payments.Ingress.Validation;

/// <summary>
/// Card numbers where a client can put one outside the body (contract "stricter input"): the
/// path, the query string (names and values, decoded: percent escapes and <c>+</c>) and the
/// <c>Idempotency-Key</c>, on every route: merchant, operator, PSP webhook, health and unknown
/// alike. One rule with no list of exceptions to keep up to date; none of those routes has a
/// reason to carry 13 digits. The body is <see cref="MerchantPost"/>'s to read.
/// </summary>
internal sealed class PanRefusal : IStartupFilter
{
    /// <summary>The framework's categories, whose request lines carry the target (path and query string).</summary>
    private const string FrameworkCategory = "Microsoft.AspNetCore";

    /// <summary>
    /// Refused here means refused before anything the application adds, routing included: a
    /// startup filter's middleware comes first, so the request reaches no handler, no store and no
    /// logger of ours. Only hosting sees it before, and it writes "Request starting HTTP/1.1 GET
    /// http://…/v1/charges?order_id=…" (and "Request finished …") at Information; routing writes
    /// the path at Debug, Kestrel a bad request line at Debug. So ASP.NET Core's categories log
    /// from Warning by default, whatever <c>Logging:LogLevel:Default</c> says; none of their
    /// Warning lines holds a target. The rule is put first, so an explicit setting for the
    /// category (<c>Logging__LogLevel__Microsoft.AspNetCore=Information</c>) still wins: whoever
    /// sets it logs request targets, card numbers included, and must not in production.
    /// </summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<IStartupFilter, PanRefusal>();
        services.Configure<LoggerFilterOptions>(options =>
            options.Rules.Insert(0, new LoggerFilterRule(null, FrameworkCategory, LogLevel.Warning, null)));
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static (context, nextMiddleware) => CarriesPan(context.Request)
            ? ApiProblems.PanNotAllowedOutsideBody().ExecuteAsync(context)
            : nextMiddleware(context));
        next(app);
    };

    internal static bool CarriesPan(HttpRequest request)
    {
        // Kestrel has decoded the path already (all but %2F, and a slash ends a run anyway).
        if (PanDetector.ContainsPan(request.PathBase.Value) || PanDetector.ContainsPan(request.Path.Value))
        {
            return true;
        }

        foreach (var key in request.Headers[IdempotencyKey.Header])
        {
            if (PanDetector.ContainsPan(key))
            {
                return true;
            }
        }

        if (!request.QueryString.HasValue)
        {
            return false;
        }

        foreach (var (name, values) in request.Query)
        {
            if (PanDetector.ContainsPan(name))
            {
                return true;
            }

            foreach (var value in values)
            {
                if (PanDetector.ContainsPan(value))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
