using System.ComponentModel.DataAnnotations;

namespace Payments.Ingress.Auth;

/// <summary>
/// Failed authentications (unknown, revoked or expired keys) allowed per client address
/// (<c>Auth:FailuresPerSecond</c>, <c>Auth:FailureBurst</c>): beyond them the address gets
/// <c>429 rate_limited</c> before its key is looked up.
/// </summary>
internal sealed class AuthFailureOptions
{
    public const string Section = "Auth";

    /// <summary>Failures an address earns back per second.</summary>
    [Range(1, 100_000)]
    public int FailuresPerSecond { get; set; } = 5;

    /// <summary>Failures in a row an address may have before it waits.</summary>
    [Range(1, 1_000_000)]
    public int FailureBurst { get; set; } = 50;
}
