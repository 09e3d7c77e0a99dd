using System.Text.Json.Nodes;

namespace Payments.Chaos.Running;

/// <summary>What a request got in the end: a status (0 when no answer came) and the JSON body, if any.</summary>
internal sealed record Answer(int Status, JsonObject? Body)
{
    /// <summary>201/202 (and 200 for a replay or an operation): the service took the request on.</summary>
    public bool Accepted => Status is 200 or 201 or 202;

    public string? Id => Body?["id"]?.GetValue<string>();
}
