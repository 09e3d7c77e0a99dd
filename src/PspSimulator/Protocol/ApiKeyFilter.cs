using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PspSimulator.Protocol;

/// <summary>Bearer-key authentication of <c>/v1/</c>, answering 401 the way Stripe does.</summary>
internal sealed class ApiKeyFilter(IOptions<SimulatorOptions> options) : IEndpointFilter
{
    private readonly byte[] _apiKey = Encoding.UTF8.GetBytes(options.Value.ApiKey);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        string? authorization = context.HttpContext.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(authorization))
        {
            return StripeErrors.Unauthorized(
                "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
        }

        const string Bearer = "Bearer ";
        var key = authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? authorization[Bearer.Length..].Trim() : string.Empty;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), _apiKey))
        {
            // Never echo the key itself.
            return StripeErrors.Unauthorized("Invalid API Key provided.");
        }

        return await next(context).ConfigureAwait(false);
    }
}
