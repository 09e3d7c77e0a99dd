using System.Net;
using System.Text.Json.Nodes;

namespace PspSimulator.Tests.Infrastructure;

/// <summary>One answer of the simulator, parsed.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, string Body, bool Replayed)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("Empty body.");

    public string? ErrorType => Json["error"]?["type"]?.GetValue<string>();

    public string? ErrorCode => Json["error"]?["code"]?.GetValue<string>();

    public string Id => Json["id"]!.GetValue<string>();
}
