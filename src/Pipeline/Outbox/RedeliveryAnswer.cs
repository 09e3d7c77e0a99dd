namespace Payments.Pipeline.Outbox;

/// <summary>What a redelivery request came to.</summary>
internal abstract record RedeliveryAnswer
{
    /// <summary>One delivery, queued again (or, replayed, as it is now).</summary>
    public sealed record Delivery(string Json, bool Replayed) : RedeliveryAnswer;

    /// <summary>Every failed delivery of the endpoint, queued again: how many.</summary>
    public sealed record Requeued(int Count, bool Replayed) : RedeliveryAnswer;

    public sealed record NotFound : RedeliveryAnswer;

    /// <summary>The delivery is pending already; nothing changed.</summary>
    public sealed record AlreadyQueued : RedeliveryAnswer;

    /// <summary>The idempotency key was used for another request; nothing changed.</summary>
    public sealed record KeyReused : RedeliveryAnswer;
}
