using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Payments.Ingress.Auth;

namespace Payments.Ingress.Tests.Security;

/// <summary>The per-address bucket of failed authentications, on its own.</summary>
public sealed class AuthFailureRateLimitTests
{
    [Fact]
    public void Address_is_blocked_after_its_burst_of_failures_and_others_are_not()
    {
        using var limiter = new AuthFailureLimiter(Options.Create(new AuthFailureOptions { FailureBurst = 3, FailuresPerSecond = 1 }));
        var client = ContextFrom("203.0.113.7");

        for (var i = 0; i < 3; i++)
        {
            Assert.False(limiter.IsBlocked(client, out _));
            limiter.Failed(client);
        }

        Assert.True(limiter.IsBlocked(client, out var wait));
        Assert.True(wait >= TimeSpan.FromSeconds(1));
        Assert.False(limiter.IsBlocked(ContextFrom("203.0.113.8"), out _));
    }

    [Fact]
    public void IPv6_addresses_of_one_64_block_share_a_bucket()
    {
        using var limiter = new AuthFailureLimiter(Options.Create(new AuthFailureOptions { FailureBurst = 2, FailuresPerSecond = 1 }));

        limiter.Failed(ContextFrom("2001:db8:1:2::1"));
        limiter.Failed(ContextFrom("2001:db8:1:2:ffff::9"));

        Assert.True(limiter.IsBlocked(ContextFrom("2001:db8:1:2::abcd"), out _));
        Assert.False(limiter.IsBlocked(ContextFrom("2001:db8:1:3::1"), out _));
    }

    private static DefaultHttpContext ContextFrom(string address) =>
        new() { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };
}
