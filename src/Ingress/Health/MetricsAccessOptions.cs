using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Payments.Ingress.Health;

/// <summary>
/// Who may read <c>/metrics</c> (<c>Metrics__AllowFrom</c>): networks in CIDR notation, comma
/// separated. The series name merchants' volumes and the platform's balances, so by default
/// only this machine may scrape; the compose file opens it to the containers' networks.
/// </summary>
internal sealed class MetricsAccessOptions : IValidatableObject
{
    public const string Section = "Metrics";

    public string AllowFrom { get; set; } = "127.0.0.0/8,::1/128";

    public IReadOnlyList<IPNetwork> Networks() =>
        [.. AllowFrom.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPNetwork.Parse)];

    public bool Allows(IPAddress? remote)
    {
        if (remote is null)
        {
            return false;
        }

        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return Networks().Any(network => network.Contains(address));
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in AllowFrom.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                yield return new ValidationResult($"Metrics__AllowFrom: '{network}' is not a network in CIDR notation (e.g. 10.0.0.0/8).", [nameof(AllowFrom)]);
            }
        }
    }
}
