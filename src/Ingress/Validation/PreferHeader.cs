using Microsoft.Extensions.Primitives;

namespace Payments.Ingress.Validation;

/// <summary>
/// <c>Prefer</c> as RFC 7240 defines it: comma-separated preferences, each a token with an
/// optional <c>=value</c> and <c>;parameters</c>. Only a preference whose token is
/// <c>respond-async</c> asks for the early answer; the words inside a value or a parameter
/// (<c>return="respond-async"</c>) or a longer token (<c>x-respond-async</c>) do not.
/// </summary>
internal static class PreferHeader
{
    private const string RespondAsync = "respond-async";

    public static bool WantsRespondAsync(StringValues headers)
    {
        foreach (var header in headers)
        {
            if (header is not null && Preferences(header).Any(token => token.Equals(RespondAsync, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The token of each preference in one header line; commas inside quoted strings do not separate.</summary>
    private static IEnumerable<string> Preferences(string header)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= header.Length; i++)
        {
            if (i < header.Length)
            {
                var c = header[i];
                if (quoted && c == '\\')
                {
                    i++;
                    continue;
                }

                if (c == '"')
                {
                    quoted = !quoted;
                }

                if (quoted || c != ',')
                {
                    continue;
                }
            }

            yield return Token(header.AsSpan(start, i - start));
            start = i + 1;
        }
    }

    private static string Token(ReadOnlySpan<char> preference)
    {
        var end = preference.IndexOfAny('=', ';');
        return (end < 0 ? preference : preference[..end]).Trim().ToString();
    }
}
