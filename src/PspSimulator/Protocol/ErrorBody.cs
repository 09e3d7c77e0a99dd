using System.Text.Json.Serialization;
using PspSimulator.PaymentIntents;

namespace PspSimulator.Protocol;

/// <summary>The <c>error</c> object of a Stripe error answer; absent members are left out, as Stripe does.</summary>
internal sealed record ErrorBody(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeclineCode,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PaymentIntentDto? PaymentIntent);
