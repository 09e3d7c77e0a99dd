using Payments.Pipeline.Ledger;

namespace Payments.Pipeline.Merchants;

/// <summary>A merchant as the pipeline needs it: who it is and what the platform keeps of each capture.</summary>
/// <param name="BankAccount">Where the merchant's own payouts go (a PSP bank account token, <c>ba_…</c>).</param>
public sealed record Merchant(string Id, string Name, int FeeBasisPoints, long FeeFixed, string DuplicatePolicy = DuplicatePolicies.Flag, string BankAccount = Merchant.DefaultBankAccount)
{
    public const string DefaultBankAccount = "ba_ok";

    /// <summary>Whether a suspected duplicate charge is refused (409) rather than recorded with its flag.</summary>
    public bool RefusesSuspectedDuplicates => DuplicatePolicy == DuplicatePolicies.Refuse;

    /// <summary>The platform's fee on a capture of <paramref name="amount"/> (see <see cref="PostingRules.Fee"/>).</summary>
    public long FeeFor(long amount) => PostingRules.Fee(amount, FeeBasisPoints, FeeFixed);
}
