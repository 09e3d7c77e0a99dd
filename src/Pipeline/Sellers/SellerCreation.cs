namespace Payments.Pipeline.Sellers;

/// <summary>What a create-seller request came to.</summary>
internal abstract record SellerCreation
{
    private SellerCreation()
    {
    }

    /// <summary>The seller: created now, or (replayed) by the first request with this key.</summary>
    public sealed record Created(string Json, bool Replayed) : SellerCreation;

    /// <summary>The idempotency key was used for another request; nothing changed.</summary>
    public sealed record KeyReused : SellerCreation;
}
