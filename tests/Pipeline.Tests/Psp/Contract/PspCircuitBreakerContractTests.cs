using System.Diagnostics;
using Payments.Pipeline.Psp;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Psp.Contract;

/// <summary>
/// The adapter's circuit breaker against a stub PSP: it opens on signs that the PSP is down
/// (503, 502, timeouts), holds calls back without sending them while open, and closes again
/// after its break once a probe succeeds. Ordinary 500s never open it.
/// </summary>
public sealed class PspCircuitBreakerContractTests : IDisposable
{
    private const string Read = "/v1/payment_intents/pi_1";
    private const string Unavailable = """{ "error": { "type": "api_error", "message": "Service unavailable." } }""";

    private readonly PspStub _psp = new(o =>
    {
        o.MaxRetries = 0;
        o.BreakMinimumThroughput = 2;
        o.BreakFailureRatio = 0.5;
        o.BreakDuration = TimeSpan.FromMilliseconds(500);
    });

    [Fact]
    public async Task Breaker_opens_after_failures_holds_calls_back_and_closes_after_its_break()
    {
        _psp.InTurn("GET", Read, PspStub.Json(503, Unavailable), PspStub.Json(503, Unavailable), PspStub.Json(200, PspStub.PaymentIntent()));

        Assert.Equal(new PspOutcome.Unavailable("psp_503"), await _psp.Client.GetPaymentIntentAsync("pi_1"));
        Assert.Equal(new PspOutcome.Unavailable("psp_503"), await _psp.Client.GetPaymentIntentAsync("pi_1"));
        var opened = Stopwatch.StartNew();

        // Open: refused here, before anything is sent.
        Assert.Equal(new PspOutcome.Unavailable("circuit_open"), await _psp.Client.GetPaymentIntentAsync("pi_1"));
        Assert.Equal(2, _psp.Received("GET", Read).Count);

        // After the break, one probe goes through; its success closes the circuit.
        var closed = await Poll.UntilAsync(() => _psp.Client.GetPaymentIntentAsync("pi_1"), o => o is not PspOutcome.Unavailable { Reason: "circuit_open" },
            o => o.ToString(), TimeSpan.FromSeconds(5));
        Assert.True(closed is PspOutcome.Completed, $"{closed} after answers {string.Join(", ", _psp.Answered("GET", Read))}");
        Assert.True(opened.Elapsed >= _psp.Options.BreakDuration * 0.9, $"the circuit let a call through {opened.Elapsed.TotalMilliseconds} ms after opening");
        Assert.Equal(3, _psp.Received("GET", Read).Count);
        Assert.IsType<PspOutcome.Completed>(await _psp.Client.GetPaymentIntentAsync("pi_1"));
        Assert.Equal(4, _psp.Received("GET", Read).Count);
    }

    [Fact]
    public async Task Breaker_that_opens_during_a_calls_retries_leaves_the_call_indeterminate_not_unavailable()
    {
        using var psp = new PspStub(o =>
        {
            o.MaxRetries = 2;
            o.BreakMinimumThroughput = 2;
            o.BreakDuration = TimeSpan.FromSeconds(5);
        });
        psp.Always("POST", "/v1/payment_intents", PspStub.Json(502, Unavailable));

        var outcome = await psp.Client.CreatePaymentIntentAsync(new PaymentIntentRequest("ch_1", "m_1", 4999, "usd", "pm_card_visa", true, null));

        // The first two attempts reached the PSP (a 502 from a gateway proves nothing ran); the open circuit stopped the third.
        Assert.Equal(new PspOutcome.Indeterminate("circuit_open", KeySettled: false), outcome);
        Assert.Equal(["ch_1:create", "ch_1:create"], psp.IdempotencyKeys("POST", "/v1/payment_intents"));
    }

    [Fact]
    public async Task Breaker_stays_closed_on_ordinary_500s()
    {
        _psp.Always("GET", Read, PspStub.Json(500, Unavailable));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(new PspOutcome.Indeterminate("psp_500", KeySettled: false), await _psp.Client.GetPaymentIntentAsync("pi_1"));
        }

        Assert.Equal(4, _psp.Received("GET", Read).Count);
    }

    [Fact]
    public async Task Breaker_opens_on_timeouts()
    {
        using var psp = new PspStub(o =>
        {
            o.MaxRetries = 0;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(100);
            o.BreakMinimumThroughput = 2;
            o.BreakDuration = TimeSpan.FromSeconds(5);
        });
        psp.Always("GET", Read, PspStub.Json(200, PspStub.PaymentIntent()).WithDelay(TimeSpan.FromSeconds(1)));

        Assert.Equal(new PspOutcome.Indeterminate("timeout", KeySettled: false), await psp.Client.GetPaymentIntentAsync("pi_1"));
        Assert.Equal(new PspOutcome.Indeterminate("timeout", KeySettled: false), await psp.Client.GetPaymentIntentAsync("pi_1"));

        Assert.Equal(new PspOutcome.Unavailable("circuit_open"), await psp.Client.GetPaymentIntentAsync("pi_1"));
    }

    public void Dispose() => _psp.Dispose();
}
