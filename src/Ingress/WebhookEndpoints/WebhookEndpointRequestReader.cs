using System.Text.Json;
using Payments.Ingress.Validation;
using Payments.Pipeline.Outbox;

namespace Payments.Ingress.WebhookEndpoints;

/// <summary>
/// Validates a create-endpoint body (<c>{ "url": "https://…" }</c>) and computes the request
/// hash that binds its idempotency key. Where the URL may point is <see cref="OutboundAddressPolicy"/>'s
/// rule, the same one every delivery's connection is checked against.
/// </summary>
internal static class WebhookEndpointRequestReader
{
    public const int MaxUrlLength = 2048;

    internal abstract record Result
    {
        public sealed record Valid(string Url, byte[] RequestHash) : Result;

        public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    }

    public static Result Read(JsonElement root, bool allowInsecureUrls)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = ["The body must be a JSON object."];
            return new Result.Invalid(errors);
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name != "url")
            {
                errors[property.Name] = ["Unknown field."];
            }
        }

        string? url = null;
        if (!root.TryGetProperty("url", out var element))
        {
            errors["url"] = ["Required."];
        }
        else if (element.ValueKind != JsonValueKind.String)
        {
            errors["url"] = ["Must be a string."];
        }
        else
        {
            url = element.GetString()!;
            if (UrlProblem(url, allowInsecureUrls) is { } problem)
            {
                errors["url"] = [problem];
            }
        }

        if (errors.Count > 0)
        {
            return new Result.Invalid(errors);
        }

        return new Result.Valid(url!, RequestHash.Of("POST", "/v1/webhook_endpoints", writer => writer.WriteString("url", url)));
    }

    private static string? UrlProblem(string url, bool allowInsecureUrls)
    {
        if (url.Length is 0 or > MaxUrlLength)
        {
            return $"Must be an absolute http or https URL of at most {MaxUrlLength} characters.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Host.Length == 0 || !url.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase))
        {
            return $"Must be an absolute http or https URL of at most {MaxUrlLength} characters.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "Must not carry credentials; verify deliveries by their Payments-Signature instead.";
        }

        return OutboundAddressPolicy.Refusal(uri, allowInsecureUrls);
    }
}
