namespace Payments.Pipeline.Disputes;

/// <summary>
/// A dispute's lifecycle, decided in one place and without I/O. The PSP is the truth: our dispute
/// follows the status the PSP shows, through the moves in <see cref="Moves"/> only. A dispute
/// moves between needing a response and being under review (either way, as the PSP says), and
/// ends won or lost; nothing leaves an end. Every move is one event in the charge's sequence.
/// </summary>
internal static class DisputeLifecycle
{
    public const string NeedsResponse = "needs_response";
    public const string UnderReview = "under_review";
    public const string Won = "won";
    public const string Lost = "lost";

    public static IReadOnlyList<string> Statuses { get; } = [NeedsResponse, UnderReview, Won, Lost];

    /// <summary>Every allowed move: (from, to) → the merchant event it makes.</summary>
    public static IReadOnlyDictionary<(string From, string To), string> Moves { get; } = new Dictionary<(string, string), string>
    {
        [(NeedsResponse, UnderReview)] = "dispute.updated",
        [(UnderReview, NeedsResponse)] = "dispute.updated",
        [(NeedsResponse, Won)] = "dispute.won",
        [(UnderReview, Won)] = "dispute.won",
        [(NeedsResponse, Lost)] = "dispute.lost",
        [(UnderReview, Lost)] = "dispute.lost",
    };

    /// <summary>While open, the charge cannot be refunded (the PSP refuses, so we do not ask it).</summary>
    public static bool IsOpen(string status) => status is NeedsResponse or UnderReview;

    /// <summary>
    /// The event of the move from <paramref name="ours"/> to the status the PSP shows, or null when
    /// there is none to make: they agree, or the PSP's status cannot follow ours (an end never reopens).
    /// </summary>
    public static string? MoveTo(string ours, string psp) => Moves.GetValueOrDefault((ours, psp));
}
