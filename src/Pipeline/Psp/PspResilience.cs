using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Payments.Pipeline.Psp;

/// <summary>
/// The Polly v8 pipeline around every PSP call, outermost first: retry (with jittered
/// exponential backoff; the caller rebuilds the request per attempt with the SAME
/// Idempotency-Key, so a retry can only replay, never charge again), circuit breaker (opens
/// on signs that the PSP is down, not on ordinary 500s), and a per-attempt timeout.
/// A state provider, when given, reads the breaker's state (the circuit gauge).
/// </summary>
internal static class PspResilience
{
    public static ResiliencePipeline<HttpResponseMessage> Build(PspOptions options, TimeProvider timeProvider, CircuitBreakerStateProvider? circuit = null)
    {
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                Delay = options.RetryBaseDelay,
                MaxDelay = options.LongestRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // A Retry-After (429, 503) is waited out when it fits the longest retry wait; a longer one
                // ends the call with that answer (nothing ran: the caller sends again later), so a call
                // never outlasts LongestCall, which the leases that guard it are sized by.
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && IsRetryable(args.Outcome)
                    && !(RetryAfter(args.Outcome, timeProvider) > options.LongestRetryDelay)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome, timeProvider)),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.BreakFailureRatio,
                MinimumThroughput = options.BreakMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = options.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(LooksDown(args.Outcome)),
                StateProvider = circuit,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    private static bool IsRetryable(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.Conflict,
        _ => false,
    };

    /// <summary>The wait the PSP asked for, in seconds or as a date; null when it asked for none.</summary>
    private static TimeSpan? RetryAfter(Outcome<HttpResponseMessage> outcome, TimeProvider timeProvider) => outcome.Result?.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > timeProvider.GetUtcNow() ? date - timeProvider.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    private static bool LooksDown(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway
            or HttpStatusCode.GatewayTimeout,
        _ => false,
    };
}
