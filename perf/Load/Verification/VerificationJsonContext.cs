using System.Text.Json.Serialization;

namespace Payments.Load.Verification;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChargeListDto))]
[JsonSerializable(typeof(TruthDto))]
internal sealed partial class VerificationJsonContext : JsonSerializerContext;
