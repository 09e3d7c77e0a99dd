using System.Text;
using System.Text.Unicode;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Errors;

namespace Payments.Ingress.Validation;

/// <summary>
/// What every merchant POST checks before anything else, in this order: the idempotency
/// key (one header, valid), the body size, the JSON media type, UTF-8, raw card numbers (on the
/// raw text, and again on the decoded strings, since JSON escapes hide digits), JSON syntax,
/// the body rules (<see cref="JsonBodyRules"/>) and unknown members. Any refusal here records nothing.
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
        var keys = context.Request.Headers[IdempotencyKey.Header];
        var key = keys.ToString();
        if (key.Length == 0)
        {
            return (null, ApiProblems.IdempotencyKeyMissing());
        }

        // Two keys name two requests: which one this is cannot be told, so neither is chosen.
        if (keys.Count > 1 || !IdempotencyKey.IsValid(key))
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

        if (body.Length > 0 && !JsonMediaType.IsJson(context.Request.ContentType))
        {
            return (null, ApiProblems.UnsupportedMediaType());
        }

        // Checked before anything decodes the bytes: a decoder would replace a bad sequence
        // with U+FFFD and store text the client never sent.
        if (!Utf8.IsValid(body))
        {
            return (null, ApiProblems.MalformedJson("The body is not UTF-8."));
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

        // First, so that every string below decodes: a lone surrogate cannot. Refused here, with
        // its field named, a NUL cannot reach a group commit and fail the requests committed with it.
        if (JsonBodyRules.FirstBreak(document.RootElement) is { } broken)
        {
            document.Dispose();
            return (null, ApiProblems.InvalidRequest(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                [broken.Field] = [broken.Problem],
            }));
        }

        if (ContainsPanInStrings(document.RootElement))
        {
            document.Dispose();
            return (null, ApiProblems.PanNotAllowed());
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

    public static bool WantsAsync(HttpContext context) => PreferHeader.WantsRespondAsync(context.Request.Headers["Prefer"]);

    private static bool ContainsPanInStrings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => PanDetector.ContainsPan(element.GetString()),
        JsonValueKind.Object => element.EnumerateObject().Any(p => PanDetector.ContainsPan(p.Name) || ContainsPanInStrings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Any(ContainsPanInStrings),
        _ => false,
    };
}
