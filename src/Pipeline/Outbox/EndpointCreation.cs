namespace Payments.Pipeline.Outbox;

/// <summary>What a create-endpoint request came to.</summary>
internal abstract record EndpointCreation
{
    /// <summary>The endpoint with its secret: created now, or (replayed) by the first request with this key.</summary>
    public sealed record Created(string Json, bool Replayed) : EndpointCreation
    {
        // The generated ToString would print the JSON, and with it the signing secret.
        public override string ToString() => $"Created {{ Replayed = {Replayed} }}";
    }

    /// <summary>The idempotency key was used for another request; nothing changed.</summary>
    public sealed record KeyReused : EndpointCreation;
}
