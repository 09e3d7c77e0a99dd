namespace PspSimulator.Disputes;

/// <summary>Dispute statuses of the contract and the one table of moves between them.</summary>
internal static class DisputeStatus
{
    public const string NeedsResponse = "needs_response";
    public const string UnderReview = "under_review";
    public const string Won = "won";
    public const string Lost = "lost";

    /// <summary>Open: the money is held back and the PaymentIntent cannot be refunded.</summary>
    public static bool IsOpen(string status) => status is NeedsResponse or UnderReview;

    public static bool IsClosing(string status) => status is Won or Lost;

    /// <summary>
    /// An open dispute moves between needs_response and under_review (<c>charge.dispute.updated</c>) and
    /// closes won or lost (<c>charge.dispute.closed</c>); a closed one never moves again.
    /// </summary>
    public static bool CanMove(string from, string to) => IsOpen(from) && from != to && (IsOpen(to) || IsClosing(to));
}
