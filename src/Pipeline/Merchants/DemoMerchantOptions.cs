namespace Payments.Pipeline.Merchants;

/// <summary>
/// The demo merchant: off unless turned on (the run command's embedded defaults turn it on), so a
/// deployment never carries a merchant it did not configure. <c>DemoMerchant__ApiKey</c> fixes its
/// key (at least 32 characters); without it a random <c>sk_test_</c> key is made at each start.
/// </summary>
public sealed class DemoMerchantOptions
{
    public const string Section = "DemoMerchant";

    public const string Id = "mch_demo";

    public bool Enabled { get; set; }

    public string Name { get; set; } = "Demo merchant";

    public string? ApiKey { get; set; }

    public int FeeBps { get; set; } = 100;

    public long FeeFixed { get; set; }

    /// <summary>What a suspected duplicate charge gets: <c>flag</c> (recorded and flagged) or <c>refuse</c> (409).</summary>
    public string DuplicatePolicy { get; set; } = DuplicatePolicies.Flag;

    /// <summary>Where the merchant's own payouts go: a PSP bank account token (<c>ba_…</c>), checked at start by the seeder.</summary>
    public string BankAccount { get; set; } = Merchant.DefaultBankAccount;
}
