using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Payments.Ingress.RateLimits;

/// <summary>
/// A token bucket per merchant, so one merchant's flood is refused before it reaches the
/// database or the PSP, while every other merchant keeps its own budget. Partitions are keyed by
/// authenticated merchant ids only, so there are at most as many as merchants (idle ones are
/// dropped by the framework).
/// </summary>
internal sealed class MerchantRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public MerchantRateLimiter(IOptions<RateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(merchantId => RateLimitPartition.GetTokenBucketLimiter(merchantId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = limits.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,

            // Refilled by the partitioned limiter's own timer: no timer per bucket.
            AutoReplenishment = false,
        }));
    }

    /// <summary>Takes one request from the merchant's budget; false (with the wait) when it is spent.</summary>
    public bool TryTake(string merchantId, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(merchantId);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
