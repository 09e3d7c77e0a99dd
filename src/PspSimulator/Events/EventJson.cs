using System.Buffers;
using System.Text.Json;

namespace PspSimulator.Events;

/// <summary>Writes Events around their objects' JSON, which is copied in as is.</summary>
internal static class EventJson
{
    /// <summary>The exact bytes a webhook carries (and signs) for an event.</summary>
    public static byte[] ToBytes(StoredEvent stored)
    {
        var buffer = new ArrayBufferWriter<byte>(stored.ObjectJson.Length + 192);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, stored);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>{ "object": "list", "data": [events…], "has_more": … }</c>.</summary>
    public static byte[] WriteList(IReadOnlyList<StoredEvent> events, bool hasMore)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + events.Sum(e => e.ObjectJson.Length + 192));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "list"u8);
            writer.WriteStartArray("data"u8);
            foreach (var stored in events)
            {
                Write(writer, stored);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("has_more"u8, hasMore);
            writer.WriteString("url"u8, "/v1/events"u8);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, StoredEvent stored)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, stored.Id);
        writer.WriteString("object"u8, "event"u8);
        writer.WriteString("type"u8, stored.Type);
        writer.WriteNumber("created"u8, stored.Created);
        writer.WriteBoolean("livemode"u8, false);
        writer.WriteStartObject("data"u8);
        writer.WritePropertyName("object"u8);
        writer.WriteRawValue(stored.ObjectJson.Span, skipInputValidation: true);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
