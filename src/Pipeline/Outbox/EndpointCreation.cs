namespace Payments.Pipeline.Outbox;

/// <summary>What a create-endpoint request came to.</summary>
internal abstract record EndpointCreation
{
    /// <summary>
    /// The endpoint: created now (its JSON carries the signing secret, the only time it is
    /// shown), or (replayed) by the first request with this key, without the secret.
    /// </summary>
    public sealed record Created(string Json, bool Replayed) : EndpointCreation
    {
        // The generated ToString would print the JSON, and with it the signing secret.
        public override string ToString() => $"Created {{ Replayed = {Replayed} }}";
    }

    /// <summary>The idempotency key was used for another request; nothing changed.</summary>
    public sealed record KeyReused : EndpointCreation;

    /// <summary>The merchant has as many enabled endpoints as it may; nothing was recorded.</summary>
    public sealed record LimitReached(int Limit) : EndpointCreation;
}
