namespace Payments.Pipeline.Ledger;

/// <summary>The ledger's accounts by name, as the posting rules (ledger_postings) and balances use them.</summary>
internal static class LedgerAccounts
{
    /// <summary>Asset: what the PSP holds for the platform from captures, less refunds.</summary>
    public const string PspReceivable = "psp_receivable";

    /// <summary>Revenue: the platform's fees on captures.</summary>
    public const string PlatformFeeRevenue = "platform_fee_revenue";

    /// <summary>Expense: the PSP's fees on captures, posted from its settlement report.</summary>
    public const string PspFees = "psp_fees";

    /// <summary>Liability: money reserved for payouts the PSP has not yet shown it made (0021_payouts.sql).</summary>
    public const string PayoutsInFlight = "payouts_in_flight";

    private const string MerchantPayablePrefix = "merchant_payable:";

    /// <summary>Each seller's payable is this and its id (SQL that makes or posts to the account builds the name).</summary>
    public const string SellerPayablePrefix = "seller_payable:";

    /// <summary>Liability: what the platform owes one merchant.</summary>
    public static string MerchantPayable(string merchantId) => MerchantPayablePrefix + merchantId;

    /// <summary>Liability: what the platform owes one seller of a merchant (its splits, less its share of refunds and disputes).</summary>
    public static string SellerPayable(string sellerId) => SellerPayablePrefix + sellerId;
}
