using PspSimulator.Webhooks;

namespace PspSimulator.Events;

/// <summary>Records an event and hands it to webhook delivery, which never blocks the caller.</summary>
internal sealed class EventPublisher(EventStore store, WebhookDispatcher dispatcher)
{
    public void Publish(string type, string objectId, ReadOnlyMemory<byte> objectJson)
    {
        var stored = store.Append(type, objectId, objectJson);
        dispatcher.Enqueue(stored);
    }
}
