using System.Collections.Concurrent;
using PspSimulator.PaymentIntents;
using PspSimulator.Protocol;

namespace PspSimulator.Faults;

/// <summary>
/// A fault plan in force: the plan, its seed, when it started (for the outage window) and how often
/// each fault has been applied (for <c>max_count</c>). Replacing the plan starts all of it afresh.
/// </summary>
/// <remarks>
/// A plan that names its own <c>seed</c> is <see cref="Keyed"/>: a request's decisions are drawn at
/// <see cref="SeededRandom.KeyedPoint"/> of (operation, Idempotency-Key or else path and query, n), n
/// counting the requests seen for that key under this plan, so two callers racing each other meet the
/// same faults for the same keys whatever the order they arrive in. Only <c>max_count</c> stays
/// order-dependent (which request reaches the limit first is a race), and the outage window is time.
/// A plan without its own seed draws at the arrival number, as it always has.
/// </remarks>
internal sealed class ActiveFaultPlan
{
    private const int DeclineDefaultMask = 1 << (int)Operation.Create;

    private const int PaymentIntentAnswers = (1 << (int)Operation.Create) | (1 << (int)Operation.Capture) | (1 << (int)Operation.Cancel)
        | (1 << (int)Operation.Retrieve) | (1 << (int)Operation.Search);

    private readonly int _timeoutMask;
    private readonly int _rateLimitMask;
    private readonly int _before500Mask;
    private readonly int _after500Mask;
    private readonly int _resetMask;
    private readonly int _declineMask;
    private readonly int _gatewayMask;
    private readonly int _tamperMask;
    private readonly long _outageEndsAtMs;
    private readonly HashSet<string>? _declinablePaymentMethods;
    private readonly ConcurrentDictionary<string, long>? _sends;
    private long _sequence;
    private int _timeouts;
    private int _rateLimits;
    private int _before500s;
    private int _after500s;
    private int _resets;
    private int _declines;
    private int _gatewayErrors;
    private int _tampers;

    public ActiveFaultPlan(FaultPlan plan, long nowMs, bool keyed = false)
    {
        Plan = plan;
        Seed = plan.Seed ?? 0;
        Keyed = keyed;
        _sends = keyed ? new ConcurrentDictionary<string, long>(StringComparer.Ordinal) : null;
        _timeoutMask = OperationNames.Mask(plan.Timeout?.Operations, OperationNames.MoneyOperations);
        _rateLimitMask = OperationNames.Mask(plan.RateLimit?.Operations, OperationNames.MoneyOperations);
        _before500Mask = OperationNames.Mask(plan.Error500Before?.Operations, OperationNames.MoneyOperations);
        _after500Mask = OperationNames.Mask(plan.Error500After?.Operations, OperationNames.MoneyOperations);
        _resetMask = OperationNames.Mask(plan.ResetAfter?.Operations, OperationNames.MoneyOperations);
        _declineMask = OperationNames.Mask(plan.Decline?.Operations, DeclineDefaultMask);
        _gatewayMask = OperationNames.Mask(plan.GatewayError?.Operations, OperationNames.MoneyOperations);
        _tamperMask = OperationNames.Mask(plan.Tamper?.Operations, PaymentIntentAnswers);
        _outageEndsAtMs = plan.Outage is { } outage ? nowMs + outage.DurationMs : long.MinValue;
        if (plan.Decline?.PaymentMethods is { } methods)
        {
            _declinablePaymentMethods = new HashSet<string>(methods, StringComparer.Ordinal);
        }
    }

    public FaultPlan Plan { get; }

    public int Seed { get; }

    /// <summary>Whether decisions are keyed by what a request is rather than when it arrived (the plan named its seed).</summary>
    public bool Keyed { get; }

    public FaultCountsDto Applied => new(
        Volatile.Read(ref _timeouts),
        Volatile.Read(ref _rateLimits),
        Volatile.Read(ref _before500s),
        Volatile.Read(ref _after500s),
        Volatile.Read(ref _resets),
        Volatile.Read(ref _declines),
        Volatile.Read(ref _gatewayErrors),
        Volatile.Read(ref _tampers));

    /// <summary>Whether the outage window is open now; <paramref name="refuse"/> tells how to refuse.</summary>
    public bool InOutage(long nowMs, out bool refuse)
    {
        refuse = Plan.Outage?.Mode == OutageFault.ModeRefuse;
        return nowMs < _outageEndsAtMs;
    }

    /// <summary>
    /// Decides latency and the request fault for one request. Faults are tried in a fixed order and
    /// the first that hits wins, so <c>max_count</c> counts only faults really applied.
    /// <paramref name="identity"/> is what the request is (see <see cref="Keyed"/>); only a keyed plan reads it.
    /// </summary>
    public FaultRoll Roll(Operation operation, string? identity = null)
    {
        var sequence = _sends is null
            ? Interlocked.Increment(ref _sequence)
            : SeededRandom.KeyedPoint((int)operation, identity ?? string.Empty, _sends.AddOrUpdate(identity ?? string.Empty, 1, static (_, n) => n + 1));
        var latency = Plan.LatencyMs is { } range ? SeededRandom.Between(Seed, sequence, SeededRandom.StreamLatency, range.Min, range.Max) : 0;
        if (Plan.Timeout is { } timeout
            && Hits(timeout.Rate, _timeoutMask, operation, sequence, SeededRandom.StreamTimeout)
            && TryConsume(ref _timeouts, timeout.MaxCount))
        {
            return new FaultRoll(sequence, FaultKind.Timeout, latency, timeout.HoldMs, timeout.Execute, timeout.Answer == "500");
        }

        if (Plan.RateLimit is { } rateLimit
            && Hits(rateLimit.Rate, _rateLimitMask, operation, sequence, SeededRandom.StreamRateLimit)
            && TryConsume(ref _rateLimits, rateLimit.MaxCount))
        {
            return new FaultRoll(sequence, FaultKind.RateLimit, latency, 0, false, false);
        }

        if (Plan.GatewayError is { } gateway
            && Hits(gateway.Rate, _gatewayMask, operation, sequence, SeededRandom.StreamGatewayError)
            && TryConsume(ref _gatewayErrors, gateway.MaxCount))
        {
            return new FaultRoll(sequence, FaultKind.GatewayError, latency, 0, false, false) { GatewayStatus = gateway.Status };
        }

        if (Plan.Error500Before is { } before
            && Hits(before.Rate, _before500Mask, operation, sequence, SeededRandom.StreamError500Before)
            && TryConsume(ref _before500s, before.MaxCount))
        {
            return new FaultRoll(sequence, FaultKind.Error500Before, latency, 0, false, true);
        }

        if (Plan.Error500After is { } after
            && Hits(after.Rate, _after500Mask, operation, sequence, SeededRandom.StreamError500After)
            && TryConsume(ref _after500s, after.MaxCount))
        {
            return new FaultRoll(sequence, FaultKind.Error500After, latency, 0, true, true);
        }

        if (Plan.ResetAfter is { } reset
            && Hits(reset.Rate, _resetMask, operation, sequence, SeededRandom.StreamResetAfter)
            && TryConsume(ref _resets, reset.MaxCount))
        {
            return new FaultRoll(sequence, FaultKind.ResetAfter, latency, 0, true, false);
        }

        return new FaultRoll(sequence, FaultKind.None, latency, 0, true, false);
    }

    /// <summary>Whether a 200 PaymentIntent answer to this request is rewritten on its way out, and what.</summary>
    public string? RollTamper(long sequence, Operation operation) =>
        Plan.Tamper is { } tamper
        && Hits(tamper.Rate, _tamperMask, operation, sequence, SeededRandom.StreamTamper)
        && TryConsume(ref _tampers, tamper.MaxCount)
            ? tamper.Field
            : null;

    /// <summary>Whether the plan declines a PaymentIntent that would otherwise succeed, and how.</summary>
    public string? RollDecline(long sequence, Operation operation, string paymentMethod)
    {
        if (Plan.Decline is not { } decline
            || !Hits(decline.Rate, _declineMask, operation, sequence, SeededRandom.StreamDecline)
            || (_declinablePaymentMethods is not null && !_declinablePaymentMethods.Contains(paymentMethod))
            || !TryConsume(ref _declines, decline.MaxCount))
        {
            return null;
        }

        return SeededRandom.Unit(Seed, sequence, SeededRandom.StreamDeclineKind) < decline.InsufficientFundsShare
            ? DeclineCodes.InsufficientFunds
            : DeclineCodes.GenericDecline;
    }

    private bool Hits(double rate, int mask, Operation operation, long sequence, int stream) =>
        rate > 0 && OperationNames.Contains(mask, operation) && SeededRandom.Unit(Seed, sequence, stream) < rate;

    private static bool TryConsume(ref int used, int? maxCount)
    {
        while (true)
        {
            var current = Volatile.Read(ref used);
            if (maxCount is { } limit && current >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref used, current + 1, current) == current)
            {
                return true;
            }
        }
    }
}
