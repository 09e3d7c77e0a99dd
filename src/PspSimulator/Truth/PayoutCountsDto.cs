namespace PspSimulator.Truth;

/// <summary>How often a payout of one <c>metadata[payout_id]</c> was carried out, and how often one failed.</summary>
internal sealed class PayoutCountsDto
{
    public int Payout { get; set; }

    public int PayoutFailure { get; set; }
}
