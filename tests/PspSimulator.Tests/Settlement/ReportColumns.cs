namespace PspSimulator.Tests.Settlement;

/// <summary>The positions of the settlement report's columns, as the contract orders them.</summary>
public static class ReportColumns
{
    public const int BalanceTransactionId = 0;
    public const int CreatedUtc = 1;
    public const int AvailableOnUtc = 2;
    public const int ReportingCategory = 3;
    public const int PaymentIntentId = 4;
    public const int RefundId = 5;
    public const int Gross = 6;
    public const int Fee = 7;
    public const int Net = 8;
    public const int Currency = 9;
    public const int ChargeIdMetadata = 10;
    public const int DisputeId = 11;
    public const int PayoutId = 12;
    public const int PayoutIdMetadata = 13;
    public const int RefundIdMetadata = 14;
    public const int Count = 15;
}
