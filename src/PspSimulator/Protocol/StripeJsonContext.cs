using System.Text.Json.Serialization;
using PspSimulator.Disputes;
using PspSimulator.PaymentIntents;
using PspSimulator.Payouts;
using PspSimulator.Refunds;

namespace PspSimulator.Protocol;

/// <summary>Source-generated JSON for the Stripe-shaped API (snake_case, nulls written as Stripe writes them).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PaymentIntentDto))]
[JsonSerializable(typeof(RefundDto))]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(SearchResultDto))]
[JsonSerializable(typeof(RefundListDto))]
[JsonSerializable(typeof(DisputeDto))]
[JsonSerializable(typeof(DisputeListDto))]
[JsonSerializable(typeof(PayoutDto))]
[JsonSerializable(typeof(PayoutSearchResultDto))]
internal sealed partial class StripeJsonContext : JsonSerializerContext;
