namespace Payments.Pipeline.Merchants;

/// <summary>The demo merchant that the run command creates (<c>DemoMerchant__ApiKey</c> fixes its key).</summary>
public sealed class DemoMerchantOptions
{
    public const string Section = "DemoMerchant";

    public const string Id = "mch_demo";

    public bool Enabled { get; set; } = true;

    public string Name { get; set; } = "Demo merchant";

    public string? ApiKey { get; set; }

    public int FeeBps { get; set; } = 100;

    public long FeeFixed { get; set; }
}
