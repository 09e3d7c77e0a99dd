using Payments.Pipeline.Disputes;

namespace Payments.Pipeline.Tests.Disputes;

/// <summary>Every (our status, the PSP's status) pair of a dispute, and the event each move makes.</summary>
public sealed class DisputeLifecycleTests
{
    public static TheoryData<string, string, string?> EveryPair()
    {
        var data = new TheoryData<string, string, string?>();
        foreach (var ours in DisputeLifecycle.Statuses)
        {
            foreach (var psp in DisputeLifecycle.Statuses)
            {
                data.Add(ours, psp, Expected(ours, psp));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Dispute_follows_the_PSP_between_open_states_and_into_an_end_but_never_out_of_one(string ours, string psp, string? expectedEvent) =>
        Assert.Equal(expectedEvent, DisputeLifecycle.MoveTo(ours, psp));

    [Theory]
    [InlineData("needs_response", true)]
    [InlineData("under_review", true)]
    [InlineData("won", false)]
    [InlineData("lost", false)]
    public void Refunds_wait_while_a_dispute_is_open(string status, bool open) =>
        Assert.Equal(open, DisputeLifecycle.IsOpen(status));

    private static string? Expected(string ours, string psp) => (ours, psp) switch
    {
        ("needs_response", "under_review") or ("under_review", "needs_response") => "dispute.updated",
        ("needs_response" or "under_review", "won") => "dispute.won",
        ("needs_response" or "under_review", "lost") => "dispute.lost",
        _ => null,
    };
}
