using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Errors;

namespace Payments.Ingress.Validation;

/// <summary>
/// What every merchant POST checks before anything else, in this order: the idempotency
/// key, the body size, raw card numbers (on the raw text, and again on the decoded strings,
/// since JSON escapes hide digits), and JSON syntax. Any refusal here records nothing.
/// </summary>
internal static class MerchantPost
{
    internal sealed record Accepted(string IdempotencyKey, JsonDocument Body);

    /// <summary>
    /// The checked request, or the problem to answer. An empty body reads as <c>{}</c> when
    /// allowed; with <paramref name="knownFields"/>, the body must be an object of only those fields.
    /// </summary>
    public static async Task<(Accepted? Request, ProblemHttpResult? Problem)> ReadAsync(
        HttpContext context, bool emptyBodyAllowed, CancellationToken cancellationToken, IReadOnlySet<string>? knownFields = null)
    {
        var key = context.Request.Headers[IdempotencyKey.Header].ToString();
        if (key.Length == 0)
        {
            return (null, ApiProblems.IdempotencyKeyMissing());
        }

        if (!IdempotencyKey.IsValid(key))
        {
            return (null, ApiProblems.IdempotencyKeyInvalid());
        }

        byte[]? body;
        try
        {
            body = await BoundedBody.ReadAsync(context.Request, BoundedBody.MerchantApiLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException)
        {
            // The body ended early: a client that gave up (a timeout) or broke off. Nothing was
            // read, nothing is recorded; not a server error to log with a stack trace.
            return (null, ApiProblems.MalformedJson("The request body ended before its declared length."));
        }

        if (body is null)
        {
            return (null, ApiProblems.PayloadTooLarge(BoundedBody.MerchantApiLimit));
        }

        if (body.Length == 0 && emptyBodyAllowed)
        {
            body = "{}"u8.ToArray();
        }

        if (PanDetector.ContainsPan(Encoding.UTF8.GetString(body)))
        {
            return (null, ApiProblems.PanNotAllowed());
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.MalformedJson($"Line {e.LineNumber}, byte {e.BytePositionInLine}."));
        }

        if (ContainsPanInStrings(document.RootElement))
        {
            document.Dispose();
            return (null, ApiProblems.PanNotAllowed());
        }

        // PostgreSQL text cannot hold NUL: refused here, with its field named, it cannot reach a
        // group commit and fail the requests committed with it.
        if (FieldWithNul(document.RootElement, "") is { } field)
        {
            document.Dispose();
            return (null, ApiProblems.InvalidRequest(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                [field.Length == 0 ? "body" : field] = ["Must not contain the NUL character (\\u0000)."],
            }));
        }

        if (knownFields is not null)
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            BodyFields.RefuseUnknown(document.RootElement, knownFields, errors);
            if (errors.Count > 0)
            {
                document.Dispose();
                return (null, ApiProblems.InvalidRequest(errors));
            }
        }

        return (new Accepted(key, document), null);
    }

    public static bool WantsAsync(HttpContext context) =>
        context.Request.Headers["Prefer"].ToString().Contains("respond-async", StringComparison.OrdinalIgnoreCase);

    /// <summary>The path of the first member name or string holding a NUL character, or null.</summary>
    private static string? FieldWithNul(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString()!.Contains('\0', StringComparison.Ordinal) ? path : null;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    var memberPath = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
                    if (member.Name.Contains('\0', StringComparison.Ordinal))
                    {
                        return path.Length == 0 ? "body" : path;
                    }

                    if (FieldWithNul(member.Value, memberPath) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FieldWithNul(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool ContainsPanInStrings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => PanDetector.ContainsPan(element.GetString()),
        JsonValueKind.Object => element.EnumerateObject().Any(p => PanDetector.ContainsPan(p.Name) || ContainsPanInStrings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Any(ContainsPanInStrings),
        _ => false,
    };
}
