using Payments.Pipeline.Payouts;
using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Tests.Payouts;

/// <summary>Every (our status, what the PSP shows) pair of a payout, and where it moves.</summary>
public sealed class PayoutLifecycleTests
{
    private static readonly string?[] Facts =
        [PayoutLifecycle.FactOf(PspPayout.Pending), PayoutLifecycle.FactOf(PspPayout.InTransit), PayoutLifecycle.FactOf(PspPayout.Paid),
         PayoutLifecycle.FactOf(PspPayout.Failed), PayoutLifecycle.Refused, PayoutLifecycle.ProvenNotCarriedOut];

    public static TheoryData<string, string?, string?> EveryPair()
    {
        var data = new TheoryData<string, string?, string?>();
        foreach (var ours in PayoutLifecycle.Statuses)
        {
            foreach (var fact in Facts)
            {
                data.Add(ours, fact, Expected(ours, fact));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Payout_ends_paid_or_failed_as_the_psp_shows_fails_after_paid_and_never_leaves_failed(string ours, string? fact, string? expected) =>
        Assert.Equal(expected, PayoutLifecycle.MoveTo(ours, fact));

    [Fact]
    public void Psp_still_carrying_a_payout_is_no_fact_at_all()
    {
        Assert.Null(PayoutLifecycle.FactOf(PspPayout.Pending));
        Assert.Null(PayoutLifecycle.FactOf(PspPayout.InTransit));
    }

    [Theory]
    [InlineData("pending", false)]
    [InlineData("paid", false)]
    [InlineData("failed", true)]
    public void Only_failed_is_final_since_a_paid_payout_can_still_be_returned(string status, bool final) =>
        Assert.Equal(final, PayoutLifecycle.IsFinal(status));

    private static string? Expected(string ours, string? fact) => (ours, fact) switch
    {
        ("pending", "psp_paid") => "paid",
        ("pending", "psp_failed" or "refused" or "proven_not_carried_out") => "failed",
        ("paid", "psp_failed") => "failed",
        _ => null,
    };
}
