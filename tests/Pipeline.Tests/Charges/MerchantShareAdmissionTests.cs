using Microsoft.Extensions.Options;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Tests.Charges;

/// <summary>Each merchant's share of the in-progress limit, reserved before its intent is queued.</summary>
public sealed class MerchantShareAdmissionTests
{
    [Fact]
    public void Merchant_at_its_share_is_refused_while_another_is_admitted()
    {
        var inProgress = Create(limit: 10, share: 0.5);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(inProgress.TryAdmit("mch_a"));
        }

        Assert.False(inProgress.TryAdmit("mch_a"));
        Assert.True(inProgress.TryAdmit("mch_b"));
        Assert.Equal(5, inProgress.CountOf("mch_a"));
    }

    [Fact]
    public void Reservations_count_before_any_charge_is_started_so_a_concurrent_burst_cannot_pass_together()
    {
        var inProgress = Create(limit: 100, share: 0.1);
        var admitted = 0;
        Parallel.For(0, 1_000, _ =>
        {
            if (inProgress.TryAdmit("mch_a"))
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.Equal(10, admitted);
    }

    [Fact]
    public void Withdrawn_and_finished_charges_give_their_slot_back()
    {
        var inProgress = Create(limit: 4, share: 0.5);
        Assert.True(inProgress.TryAdmit("mch_a"));
        Assert.True(inProgress.TryAdmit("mch_a"));
        Assert.False(inProgress.TryAdmit("mch_a"));

        inProgress.Withdraw("mch_a");
        inProgress.Started("ch_1", "mch_a");
        Assert.True(inProgress.TryAdmit("mch_a"));
        inProgress.Started("ch_2", "mch_a");
        Assert.False(inProgress.TryAdmit("mch_a"));

        inProgress.Finished("ch_1");
        inProgress.Forget(["ch_2"]);

        Assert.Equal(0, inProgress.CountOf("mch_a"));
        Assert.Equal(0, inProgress.Count);
    }

    private static ChargesInProgress Create(int limit, double share) =>
        new(Options.Create(new ChargeOptions { MaxInProgress = limit, MaxShareOfInProgress = share }), pspCallsInFlight: 1_000_000, TimeProvider.System, new PaymentsMetrics());
}
