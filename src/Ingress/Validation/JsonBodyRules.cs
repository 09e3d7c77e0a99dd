using System.Text.Json;

namespace Payments.Ingress.Validation;

/// <summary>
/// The contract's rules for what a parsed body may hold beyond JSON syntax: a member once per
/// object, no NUL (PostgreSQL text cannot hold it), no lone surrogate (not text at all), and no
/// <c>null</c> (no request in the contract shows one, so a present field always has its type).
/// One walk over the document; the first break found is answered, with its field's path.
/// </summary>
internal static class JsonBodyRules
{
    /// <summary>The field and what is wrong with it, or null when the body keeps every rule.</summary>
    public static (string Field, string Problem)? FirstBreak(JsonElement root) => Walk(root, "");

    private static (string Field, string Problem)? Walk(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return (FieldName(path), "Must not be null: leave the field out for its default.");
            case JsonValueKind.String:
                return TextProblem(element, path);
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    if (!TryName(member, out var name) || HasNulOrLoneSurrogate(name))
                    {
                        return (FieldName(path), "Member names must be text without NUL characters or lone surrogates.");
                    }

                    var memberPath = path.Length == 0 ? name : $"{path}.{name}";
                    if (!seen.Add(name))
                    {
                        return (memberPath, "Appears more than once in its object.");
                    }

                    if (Walk(member.Value, memberPath) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Walk(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static (string Field, string Problem)? TextProblem(JsonElement element, string path)
    {
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate cannot be turned into a .NET string by the reader.
            return (FieldName(path), "Must be text: a lone surrogate (\\ud800–\\udfff) is not a character.");
        }

        return HasNulOrLoneSurrogate(value)
            ? (FieldName(path), "Must not contain the NUL character (\\u0000) or a lone surrogate.")
            : null;
    }

    private static bool TryName(JsonProperty member, out string name)
    {
        try
        {
            name = member.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }

    private static bool HasNulOrLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return true;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string FieldName(string path) => path.Length == 0 ? "body" : path;
}
