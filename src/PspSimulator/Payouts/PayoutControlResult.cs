namespace PspSimulator.Payouts;

/// <summary>What a control call on a payout did: the payout as it now is, or why it was refused.</summary>
internal readonly record struct PayoutControlResult(PayoutDto? Payout, string? Refusal)
{
    public static PayoutControlResult Done(PayoutState payout) => new(payout.ToDto(), null);

    public static PayoutControlResult Refused(string why) => new(null, why);
}
