using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Payouts;

/// <summary>
/// A payout's lifecycle, decided in one place and without I/O. Ours is <c>pending</c> until the PSP
/// shows its payout paid or failed; a paid payout can still fail (the bank returned it), and
/// nothing leaves <c>failed</c>. A payout the PSP refused, or that is proven never carried out,
/// fails without ever reaching the PSP. The processor, the PSP events and the reconciler all ask
/// this table; none decides for itself.
/// </summary>
internal static class PayoutLifecycle
{
    public const string Pending = "pending";
    public const string Paid = "paid";
    public const string Failed = "failed";

    /// <summary>The PSP showed its payout in this status.</summary>
    public const string PspPaid = "psp_paid";
    public const string PspFailed = "psp_failed";

    /// <summary>The PSP refused to create it (its definite answer), or it is proven it never did.</summary>
    public const string Refused = "refused";
    public const string ProvenNotCarriedOut = "proven_not_carried_out";

    public static IReadOnlyList<string> Statuses { get; } = [Pending, Paid, Failed];

    /// <summary>Every allowed move: (from, fact) → to.</summary>
    public static IReadOnlyDictionary<(string From, string Fact), string> Moves { get; } = new Dictionary<(string, string), string>
    {
        [(Pending, PspPaid)] = Paid,
        [(Pending, PspFailed)] = Failed,
        [(Paid, PspFailed)] = Failed,
        [(Pending, Refused)] = Failed,
        [(Pending, ProvenNotCarriedOut)] = Failed,
    };

    /// <summary>The fact a PSP Payout in <paramref name="pspStatus"/> is, or null while the PSP is still carrying it (pending, in transit).</summary>
    public static string? FactOf(string pspStatus) => pspStatus switch
    {
        PspPayout.Paid => PspPaid,
        PspPayout.Failed => PspFailed,
        _ => null,
    };

    /// <summary>Where <paramref name="fact"/> moves a payout in <paramref name="status"/>, or null when it changes nothing.</summary>
    public static string? MoveTo(string status, string? fact) => fact is null ? null : Moves.GetValueOrDefault((status, fact));

    public static bool IsFinal(string status) => !Moves.Keys.Any(k => k.From == status);
}
