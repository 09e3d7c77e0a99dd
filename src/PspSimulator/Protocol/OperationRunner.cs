using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Faults;
using PspSimulator.Idempotency;

namespace PspSimulator.Protocol;

/// <summary>
/// Runs one API request through the fault plan and the idempotency store. The order is the contract:
/// validation has already happened (nothing saved); a request lost by a non-executing timeout or
/// refused by 429 never claims its key; then the key is claimed, latency and holds pass while it is
/// claimed (so a second request with that key gets 409), the operation runs (or a 500-before stands
/// in for it), and whatever is answered is saved for the key before the answer (or the reset) goes out.
/// </summary>
internal sealed class OperationRunner(
    FaultPlanHolder faults,
    IdempotencyStore idempotency,
    RequestCounters counters,
    IHostApplicationLifetime lifetime)
{
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>Runs a POST that carries an <c>Idempotency-Key</c>.</summary>
    public Task<Results<StripeResponse, ConnectionDropResult>> RunPostAsync(
        HttpContext http,
        Operation operation,
        FormParameters parameters,
        Func<OperationContext, StripeResponse> execute)
    {
        string? key = http.Request.Headers["Idempotency-Key"];
        if (key is not null && (key.Length is 0 or > MaxIdempotencyKeyLength))
        {
            return Task.FromResult<Results<StripeResponse, ConnectionDropResult>>(
                StripeErrors.InvalidRequest("Idempotency-Key must be 1 to 255 characters.", "Idempotency-Key"));
        }

        UInt128? fingerprint = key is null ? null : RequestFingerprint.Compute(http.Request.Method, http.Request.Path.Value ?? string.Empty, parameters);
        return RunAsync(http, operation, key, fingerprint, execute);
    }

    /// <summary>Runs a GET: faults and latency apply, idempotency does not.</summary>
    public Task<Results<StripeResponse, ConnectionDropResult>> RunGetAsync(HttpContext http, Operation operation, Func<StripeResponse> execute) =>
        RunAsync(http, operation, null, null, _ => execute());

    // What a keyed plan draws a request's decisions for: its key, or else what it asks for. The
    // prefixes keep a key from ever meaning the same as a path.
    private static string Identity(HttpContext http, string? key) =>
        key is not null ? "key:" + key : "path:" + http.Request.Path.Value + http.Request.QueryString.Value;

    private async Task<Results<StripeResponse, ConnectionDropResult>> RunAsync(
        HttpContext http,
        Operation operation,
        string? key,
        UInt128? fingerprint,
        Func<OperationContext, StripeResponse> execute)
    {
        var cancellationToken = lifetime.ApplicationStopping;
        counters.Started();
        try
        {
            var plan = faults.Current;
            var roll = plan.Roll(operation, plan.Keyed ? Identity(http, key) : null);
            if (roll.Kind == FaultKind.Timeout && !roll.Execute)
            {
                // Lost on the way in: never executed, key never claimed.
                await DelayAsync(roll.HoldMs, cancellationToken).ConfigureAwait(false);
                return ConnectionDropResult.AfterPartialStatusLine;
            }

            if (roll.Kind == FaultKind.RateLimit)
            {
                await DelayAsync(roll.LatencyMs, cancellationToken).ConfigureAwait(false);
                return StripeErrors.RateLimited();
            }

            if (roll.Kind == FaultKind.GatewayError)
            {
                // Answered in front of the API: the key is never claimed and nothing is saved.
                await DelayAsync(roll.LatencyMs, cancellationToken).ConfigureAwait(false);
                return StripeErrors.Gateway(roll.GatewayStatus);
            }

            IdempotencyEntry? entry = null;
            if (key is not null && fingerprint is not null)
            {
                var begin = idempotency.Begin(key, fingerprint.Value);
                if (begin.Outcome != IdempotencyOutcome.Started)
                {
                    await DelayAsync(roll.LatencyMs, cancellationToken).ConfigureAwait(false);
                    return begin.Outcome switch
                    {
                        IdempotencyOutcome.Replay => Tampered(plan, roll, operation, begin.Entry.Saved! with { Replayed = true }),
                        IdempotencyOutcome.Mismatch => StripeErrors.IdempotencyMismatch(key),
                        _ => StripeErrors.IdempotencyKeyInUse(key),
                    };
                }

                entry = begin.Entry;
            }

            var saved = false;
            try
            {
                await DelayAsync(roll.LatencyMs, cancellationToken).ConfigureAwait(false);
                if (roll.Kind == FaultKind.Timeout)
                {
                    await DelayAsync(roll.HoldMs, cancellationToken).ConfigureAwait(false);
                }

                var response = roll.Kind == FaultKind.Error500Before
                    ? StripeErrors.ApiError()
                    : execute(new OperationContext(key, plan, roll, operation));
                if (roll.AnswerWith500)
                {
                    response = StripeErrors.ApiError();
                }

                if (entry is not null)
                {
                    IdempotencyStore.Save(entry, response);
                    saved = true;
                }

                if (roll.Kind == FaultKind.ResetAfter || (roll.Kind == FaultKind.Timeout && !roll.AnswerWith500))
                {
                    return ConnectionDropResult.AfterPartialStatusLine;
                }

                return Tampered(plan, roll, operation, response);
            }
            finally
            {
                if (entry is not null && !saved)
                {
                    idempotency.Release(key!, entry);
                }
            }
        }
        finally
        {
            counters.Finished();
        }
    }

    // Rewritten after it was saved: only this copy of the answer lies, a replay's as much as a first one's.
    private static StripeResponse Tampered(ActiveFaultPlan plan, FaultRoll roll, Operation operation, StripeResponse response) =>
        response.StatusCode == StatusCodes.Status200OK && plan.RollTamper(roll.Sequence, operation) is { } field
            ? AnswerTamperer.Rewrite(response, field)
            : response;

    // Delays run on the application's token, not the request's: a caller that gives up does not stop
    // the PSP from carrying its request out, which is the very case the service must survive.
    private static Task DelayAsync(int milliseconds, CancellationToken cancellationToken) =>
        milliseconds > 0 ? Task.Delay(milliseconds, cancellationToken) : Task.CompletedTask;
}
