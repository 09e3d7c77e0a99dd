using System.Diagnostics.CodeAnalysis;

namespace PspSimulator.Protocol;

/// <summary>
/// The parameters of one request, form body or query string, sorted by name so that two requests
/// with the same parameters in another order compare equal for idempotency.
/// </summary>
internal sealed class FormParameters
{
    public const string MetadataPrefix = "metadata[";

    private readonly SortedDictionary<string, string> _values;

    private FormParameters(SortedDictionary<string, string> values) => _values = values;

    public static FormParameters Empty { get; } = new(new SortedDictionary<string, string>(StringComparer.Ordinal));

    public IEnumerable<KeyValuePair<string, string>> All => _values;

    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Reads a form body; a request may have none (cancel, capture without amount).</summary>
    public static async Task<(FormParameters? Parameters, StripeResponse? Error)> ReadBodyAsync(
        HttpRequest request,
        CancellationToken cancellationToken = default)
    {
        if (request.HasFormContentType && !request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            return From(form);
        }

        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
        {
            return (Empty, null);
        }

        return (null, StripeErrors.InvalidRequest("Request bodies must be application/x-www-form-urlencoded."));
    }

    public static (FormParameters? Parameters, StripeResponse? Error) FromQuery(IQueryCollection query) => From(query);

    public bool TryGet(string name, [MaybeNullWhen(false)] out string value) => _values.TryGetValue(name, out value);

    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>Every <c>metadata[key]=value</c> pair, as Stripe's bracket notation sends them.</summary>
    public Dictionary<string, string> Metadata()
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in _values)
        {
            if (name.StartsWith(MetadataPrefix, StringComparison.Ordinal) && name.EndsWith(']'))
            {
                metadata[name[MetadataPrefix.Length..^1]] = value;
            }
        }

        return metadata;
    }

    private static (FormParameters? Parameters, StripeResponse? Error) From(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in source)
        {
            if (value.Count != 1)
            {
                return (null, StripeErrors.InvalidRequest("Received the parameter '" + name + "' more than once.", name, "parameter_invalid_string"));
            }

            values[name] = value[0] ?? string.Empty;
        }

        return (new FormParameters(values), null);
    }
}
