namespace Payments.Ingress.Auth;

/// <summary>The secret key of <c>Authorization: Bearer &lt;key&gt;</c>, or null when there is none.</summary>
internal static class BearerKey
{
    private const string Scheme = "Bearer ";

    public static string? Of(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var key = header[Scheme.Length..].Trim();
        return key.Length == 0 ? null : key;
    }
}
