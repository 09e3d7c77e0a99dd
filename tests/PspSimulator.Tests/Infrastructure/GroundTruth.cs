using System.Text.Json.Nodes;

namespace PspSimulator.Tests.Infrastructure;

/// <summary>Reading the ground truth of <c>/_sim/truth</c>.</summary>
public static class GroundTruth
{
    public static int ForCharge(JsonNode truth, string chargeId, string kind) =>
        truth["counts_by_charge_id"]?[chargeId]?[kind]?.GetValue<int>() ?? 0;

    public static int ForKey(JsonNode truth, string key, string kind) =>
        truth["counts_by_idempotency_key"]?[key]?[kind]?.GetValue<int>() ?? 0;

    public static JsonArray Movements(JsonNode truth) => truth["movements"]!.AsArray();

    public static JsonArray PaymentIntents(JsonNode truth) => truth["payment_intents"]!.AsArray();

    public static JsonArray Refunds(JsonNode truth) => truth["refunds"]!.AsArray();
}
