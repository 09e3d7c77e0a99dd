namespace Payments.Pipeline.Payouts;

/// <summary>What recording a payout came to.</summary>
internal abstract record PayoutInsert
{
    private PayoutInsert()
    {
    }

    public sealed record Inserted(PayoutRow Row, string Json) : PayoutInsert;

    /// <summary>More than the payee has available (or nothing at all when no amount was asked); nothing recorded.</summary>
    public sealed record Insufficient(long Available) : PayoutInsert;

    /// <summary>A concurrent request with the same key recorded its payout first.</summary>
    public sealed record KeyTaken : PayoutInsert;
}
