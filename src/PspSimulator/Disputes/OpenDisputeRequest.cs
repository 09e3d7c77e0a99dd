using System.Text.Json.Serialization;

namespace PspSimulator.Disputes;

/// <summary>
/// Body of <c>POST /_sim/disputes</c>: the PaymentIntent, optionally the amount (default: what is captured
/// and not refunded) and the reason (default <c>fraudulent</c>). Unknown members are refused so that a
/// misspelt one fails loudly instead of silently meaning the default.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record OpenDisputeRequest(string? PaymentIntent, long? Amount, string? Reason);
