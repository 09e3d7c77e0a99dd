using System.Text.Json.Serialization;

namespace PspSimulator.Disputes;

/// <summary>Body of <c>POST /_sim/disputes/{id}/close</c>: <c>{ "status": "won" | "lost" }</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record CloseDisputeRequest(string? Status);
