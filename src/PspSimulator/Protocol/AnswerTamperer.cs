using System.Text.Json.Nodes;
using PspSimulator.Faults;

namespace PspSimulator.Protocol;

/// <summary>Rewrites the PaymentIntents in a 200 answer for a <see cref="TamperFault"/>; any other object passes unchanged.</summary>
internal static class AnswerTamperer
{
    public static StripeResponse Rewrite(StripeResponse response, string field)
    {
        if (JsonNode.Parse(response.Body.Span) is not JsonObject root)
        {
            return response;
        }

        List<JsonObject> intents = (string?)root["object"] switch
        {
            "payment_intent" => [root],
            // A payout search is a search_result too; only PaymentIntents are ever rewritten.
            "search_result" => root["data"]?.AsArray().OfType<JsonObject>().Where(o => (string?)o["object"] == "payment_intent").ToList() ?? [],
            _ => [],
        };
        if (intents.Count == 0)
        {
            return response;
        }

        foreach (var intent in intents)
        {
            var amount = (long?)intent["amount"] ?? 0;
            switch (field)
            {
                case TamperFault.Amount:
                    intent["amount"] = amount + 1;
                    break;
                case TamperFault.AmountReceived:
                    intent["amount_received"] = amount + 1;
                    break;
                default:
                    if (intent["metadata"] is JsonObject metadata)
                    {
                        metadata["charge_id"] = Ids.New("ch");
                    }

                    break;
            }
        }

        return response with { Body = System.Text.Encoding.UTF8.GetBytes(root.ToJsonString()) };
    }
}
