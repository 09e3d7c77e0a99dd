namespace Payments.Pipeline.Psp;

/// <summary>What we ask the PSP to charge; built from the durable intent row only.</summary>
public sealed record PaymentIntentRequest(
    string ChargeId, string MerchantId, long Amount, string Currency, string PaymentMethod, bool Capture, string? Description);
