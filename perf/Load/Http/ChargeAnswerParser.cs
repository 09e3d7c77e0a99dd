using System.Text.Json;

namespace Payments.Load.Http;

/// <summary>
/// Reads the top-level <c>id</c>, <c>status</c> and <c>code</c> of an answer with a forward-only
/// reader: at thousands of answers a second the runner must not cost more than what it measures.
/// </summary>
internal static class ChargeAnswerParser
{
    public static ChargeAnswer Parse(ReadOnlySpan<byte> body)
    {
        string? id = null;
        string? status = null;
        string? code = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    if (name.SequenceEqual("id"u8))
                    {
                        id = reader.GetString();
                    }
                    else if (name.SequenceEqual("status"u8))
                    {
                        status = reader.GetString();
                    }
                    else if (name.SequenceEqual("code"u8))
                    {
                        code = reader.GetString();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON (a proxy's HTML, a cut answer) has nothing to read.
        }

        return new ChargeAnswer(id, status, code);
    }
}
