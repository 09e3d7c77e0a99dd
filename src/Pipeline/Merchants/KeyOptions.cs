namespace Payments.Pipeline.Merchants;

/// <summary>
/// How configured keys (merchants', the demo merchant's fixed one, the operator's) end. A configured
/// key is added at start and never, by itself, ends another: during a rolling key change the old
/// instances still run with the old key, and their callers must keep working. The operator ends the
/// old keys when no instance uses them any more: through the API (<c>POST /v1/merchants/{id}/keys/{key_id}/revoke</c>),
/// or with <see cref="RevokeConfiguredBefore"/>.
/// </summary>
public sealed class KeyOptions
{
    public const string Section = "Keys";

    /// <summary>
    /// When set (an instant, e.g. <c>2026-11-28T16:00:00Z</c>, not in the future), an instance starting
    /// revokes every configured key created before it, of the merchants it seeds and of the operator,
    /// except the keys it is configured with itself. Set it once every instance runs the new keys.
    /// </summary>
    public DateTimeOffset? RevokeConfiguredBefore { get; set; }

    /// <summary>Whether <see cref="RevokeConfiguredBefore"/> is not after <paramref name="now"/> (a future one would end keys other instances add meanwhile).</summary>
    public bool IsValid(DateTimeOffset now) => RevokeConfiguredBefore is not { } before || before <= now;
}
