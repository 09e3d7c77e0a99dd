using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Payments.Ingress.Auth;

/// <summary>
/// Bounds what unknown keys cost. Every key is looked up in the database (nothing is cached, so
/// a revoked key stops at once), so a client sending random keys would cost a query each. Each
/// client address has a token bucket of failures: a failed lookup takes a token, and an address
/// with none left is answered <c>429 rate_limited</c> before any lookup, known key or not (a key
/// cannot be told from a guess without looking it up). So the queries one address causes for
/// unknown keys are at most the burst plus the rate per second, plus the requests it has in
/// flight at the moment its bucket runs dry. IPv6 clients are counted per /64, the block one
/// host is usually given. Buckets live only while they are not full (the framework drops idle
/// ones), so memory follows the addresses failing now, each a real TCP peer. Behind a reverse
/// proxy every client has the proxy's address: give the limit to the proxy instead.
/// </summary>
internal sealed class AuthFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly TimeSpan _retryAfter;

    public AuthFailureLimiter(IOptions<AuthFailureOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value;
        _retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(1.0 / limits.FailuresPerSecond)));
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.FailureBurst,
            TokensPerPeriod = limits.FailuresPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,

            // Refilled by the partitioned limiter's own timer: no timer per bucket.
            AutoReplenishment = false,
        }));
    }

    /// <summary>Whether this client has failed too often to be looked up now; then how long to wait.</summary>
    public bool IsBlocked(HttpContext context, out TimeSpan retryAfter)
    {
        // Whole permits left, without taking one. (Not AttemptAcquire(0): the bucket refills in
        // fractions, and a zero-permit acquire succeeds on any fraction above zero.)
        retryAfter = _retryAfter;
        return _failures.GetStatistics(ClientOf(context)) is { CurrentAvailablePermits: < 1 };
    }

    /// <summary>A key this client sent was not a live key.</summary>
    public void Failed(HttpContext context)
    {
        using var lease = _failures.AttemptAcquire(ClientOf(context));
    }

    public void Dispose() => _failures.Dispose();

    private static string ClientOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    /// <summary>The Retry-After header's value, whole seconds (at least one).</summary>
    public static string Seconds(TimeSpan wait) =>
        ((long)Math.Max(1, Math.Ceiling(wait.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
}
