using System.Text.Json.Serialization;

namespace PspSimulator.Faults;

/// <summary>
/// An error answered by something in front of the PSP (a gateway, a proxy, a misrouted balancer):
/// the request never reaches the API, so nothing is carried out, the key is not claimed, nothing is
/// saved and there is no <c>Idempotent-Replayed</c> header. It is what a client cannot tell apart
/// from the PSP's own answer, which is why a refusal or a 500 on a replay proves nothing.
/// </summary>
internal sealed class GatewayErrorFault
{
    public static readonly IReadOnlyList<int> Statuses = [400, 404, 408, 500, 502, 504];

    public double Rate { get; set; }

    /// <summary>The status answered: 400, 404, 408, 500, 502 or 504.</summary>
    public int Status { get; set; } = 500;

    public IReadOnlyList<string>? Operations { get; set; }

    [JsonPropertyName("max_count")]
    [ConfigurationKeyName("max_count")]
    public int? MaxCount { get; set; }
}
