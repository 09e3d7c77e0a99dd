using Payments.Pipeline.Operations;
using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Tests.Operations;

/// <summary>Every (kind, fact) pair of a capture's, void's and refund's end, with and without proof that nothing can still run.</summary>
public sealed class StepLifecycleTests
{
    public static TheoryData<string, string, bool, StepEnd> EveryPair()
    {
        var data = new TheoryData<string, string, bool, StepEnd>();
        foreach (var kind in new[] { OpenStep.Capture, OpenStep.Void, OpenStep.Refund })
        {
            foreach (var fact in StepLifecycle.Facts)
            {
                foreach (var proven in new[] { false, true })
                {
                    data.Add(kind, fact, proven, Expected(kind, fact, proven));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Step_ends_only_on_what_proves_its_end(string kind, string fact, bool nothingCanRun, StepEnd expected) =>
        Assert.Equal(expected, StepLifecycle.Decide(kind, Read(fact), nothingCanRun));

    private static StepEnd Expected(string kind, string fact, bool proven) => (kind, fact) switch
    {
        (OpenStep.Capture, StepLifecycle.IntentSucceeded) => StepEnd.Succeeded,
        (OpenStep.Capture, StepLifecycle.IntentCanceled) => StepEnd.OtherWayHappened,
        (OpenStep.Void, StepLifecycle.IntentCanceled) => StepEnd.Succeeded,
        (OpenStep.Void, StepLifecycle.IntentSucceeded) => StepEnd.OtherWayHappened,
        (OpenStep.Capture or OpenStep.Void, StepLifecycle.IntentRequiresCapture) => proven ? StepEnd.FailedIfProven : StepEnd.Open,
        (OpenStep.Refund, StepLifecycle.RefundSucceeded) => StepEnd.Succeeded,
        (OpenStep.Refund, StepLifecycle.RefundFailed) => StepEnd.Failed,
        (OpenStep.Refund, StepLifecycle.NotFound) => proven ? StepEnd.FailedIfProven : StepEnd.Open,
        _ => StepEnd.Open,
    };

    private static PspOutcome Read(string fact) => fact switch
    {
        StepLifecycle.IntentSucceeded => Intent("succeeded"),
        StepLifecycle.IntentCanceled => Intent("canceled"),
        StepLifecycle.IntentRequiresCapture => Intent("requires_capture"),
        StepLifecycle.IntentOther => Intent("processing"),
        StepLifecycle.RefundSucceeded => Refund("succeeded"),
        StepLifecycle.RefundFailed => Refund("failed"),
        StepLifecycle.RefundPending => Refund("pending"),
        StepLifecycle.NotFound => new PspOutcome.NotFound(),
        _ => new PspOutcome.Indeterminate("timeout", KeySettled: false),
    };

    private static PspOutcome.Completed Intent(string status) =>
        new(new PaymentIntent("pi_test", status, 5000, "usd", 0, status == "succeeded" ? 5000 : 0, "ch_test", null, null));

    private static PspOutcome.RefundCompleted Refund(string status) => new(new PspRefund("re_test", status, 1000, "pi_test", "rf_test"));
}
