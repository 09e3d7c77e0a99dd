using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.Merchants;

/// <summary>One merchant seeded from configuration (<c>Merchants__0__Name</c>, <c>Merchants__0__ApiKey</c>, …).</summary>
internal sealed class MerchantSeedOptions
{
    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string Name { get; set; } = "";

    /// <summary>The merchant's secret key, at least <see cref="ApiKeys.MinLength"/> characters (checked at start by the seeder).</summary>
    [StringLength(255, MinimumLength = ApiKeys.MinLength)]
    public string? ApiKey { get; set; }

    /// <summary>The platform fee's proportional part, in basis points of the captured amount.</summary>
    [Range(0, 10_000)]
    public int FeeBps { get; set; } = 100;

    /// <summary>The platform fee's fixed part per capture, in minor units.</summary>
    [Range(0, 1_000_000)]
    public long FeeFixed { get; set; }

    /// <summary>What a suspected duplicate charge gets: <c>flag</c> (recorded and flagged) or <c>refuse</c> (409).</summary>
    public string DuplicatePolicy { get; set; } = DuplicatePolicies.Flag;

    /// <summary>Where the merchant's own payouts go: a PSP bank account token (<c>ba_…</c>), checked at start by the seeder.</summary>
    public string BankAccount { get; set; } = Merchant.DefaultBankAccount;
}
