namespace Payments.Chaos.Stack;

/// <summary>
/// The secrets every process of one chaos run shares. Both service instances must be configured
/// alike (the audit's section D): keys seeded at start-up, the sealing key of webhook secrets and
/// the PSP's webhook secret.
/// </summary>
internal static class StackKeys
{
    public const string PspApiKey = "sk_test_sim";
    public const string PspWebhookSecret = "whsec_chaos_only";
    public const string MerchantKey = "sk_test_chaos_merchant_0123456789abcdef";
    public const string OperatorKey = "sk_operator_chaos_only_0123456789";
    public const string SealingKeyId = "chaos";
    public const string SealingKey = "Y2hhb3Mgb25seTogMzIgYnl0ZXMgb2Ygc2VhbGluZyE=";
}
