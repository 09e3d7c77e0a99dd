namespace Payments.Pipeline.Merchants;

/// <summary>What a roll of a merchant's key came to; keys as the database renders them (<c>api_key_json</c>).</summary>
internal abstract record KeyRoll
{
    private KeyRoll()
    {
    }

    /// <summary>A new key; <paramref name="Secret"/> is shown this once and kept nowhere.</summary>
    public sealed record Rolled(string Json, string Secret) : KeyRoll;

    /// <summary>The same Idempotency-Key and request again: the key it made, without its secret.</summary>
    public sealed record Replayed(string Json) : KeyRoll;

    public sealed record KeyReused : KeyRoll;

    public sealed record UnknownMerchant : KeyRoll;
}
