using System.Globalization;

namespace Payments.Ingress.Tests.Observability;

/// <summary>One series' value as the service's /metrics serves it now.</summary>
internal static class ServedMetrics
{
    /// <summary>The value of <paramref name="series"/> (its name and labels exactly as served), or null when it is not served.</summary>
    public static async Task<double?> ValueAsync(HttpClient client, string series)
    {
        var text = await client.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
