using System.Buffers;
using System.Text.Json;

namespace PspSimulator.Events;

/// <summary>Writes an Event around an object's JSON, which is copied in as is (the state at the time of the event).</summary>
internal static class EventJson
{
    public static byte[] Write(string id, string type, long created, ReadOnlyMemory<byte> objectJson)
    {
        var buffer = new ArrayBufferWriter<byte>(objectJson.Length + 192);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id);
            writer.WriteString("object"u8, "event"u8);
            writer.WriteString("type"u8, type);
            writer.WriteNumber("created"u8, created);
            writer.WriteBoolean("livemode"u8, false);
            writer.WriteStartObject("data"u8);
            writer.WritePropertyName("object"u8);
            writer.WriteRawValue(objectJson.Span, skipInputValidation: true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>{ "object": "list", "data": [events…], "has_more": … }</c>.</summary>
    public static byte[] WriteList(IReadOnlyList<StoredEvent> events, bool hasMore)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + events.Sum(e => e.Json.Length));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "list"u8);
            writer.WriteStartArray("data"u8);
            foreach (var stored in events)
            {
                writer.WriteRawValue(stored.Json.Span, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("has_more"u8, hasMore);
            writer.WriteString("url"u8, "/v1/events"u8);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
