namespace PspSimulator.Disputes;

/// <summary>What a control call on disputes did: the dispute as it now is, or why it was refused.</summary>
internal readonly record struct DisputeControlResult(DisputeDto? Dispute, string? Refusal)
{
    public static DisputeControlResult Done(DisputeState dispute) => new(dispute.ToDto(), null);

    public static DisputeControlResult Refused(string why) => new(null, why);
}
