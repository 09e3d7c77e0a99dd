using Microsoft.Net.Http.Headers;

namespace Payments.Ingress.Validation;

/// <summary><c>application/json</c>, with no parameter but an optional UTF-8 <c>charset</c>.</summary>
internal static class JsonMediaType
{
    public static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            || !parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var parameter in parsed.Parameters)
        {
            if (!parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)
                || !HeaderUtilities.RemoveQuotes(parameter.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
