using System.ComponentModel.DataAnnotations;

namespace Payments.Ingress.RateLimits;

/// <summary>
/// Each merchant's request budget (<c>RateLimits:RequestsPerSecond</c>, <c>RateLimits:Burst</c>):
/// a token bucket per merchant; beyond it <c>429 rate_limited</c> with <c>Retry-After</c>. The
/// defaults are far above what one merchant's checkout sends (the seed's peak is 5,000 charges a
/// second), so they stop a runaway client, not a busy one.
/// </summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    [Range(1, 10_000_000)]
    public int RequestsPerSecond { get; set; } = 10_000;

    [Range(1, 100_000_000)]
    public int Burst { get; set; } = 20_000;
}
