namespace Payments.Pipeline.Payouts;

/// <summary>What a payout request comes to, for the HTTP layer to render.</summary>
internal abstract record PayoutAnswer
{
    private PayoutAnswer()
    {
    }

    /// <summary>The payout as recorded now; <paramref name="Ended"/> once it is no longer pending (paid or failed).</summary>
    public sealed record Done(string Json, bool Ended, bool Replayed) : PayoutAnswer;

    public sealed record KeyReused : PayoutAnswer;

    /// <summary>Not one of the merchant's sellers; nothing recorded.</summary>
    public sealed record UnknownSeller : PayoutAnswer;

    /// <summary>More than is available; nothing recorded.</summary>
    public sealed record Insufficient(long Available) : PayoutAnswer;
}
