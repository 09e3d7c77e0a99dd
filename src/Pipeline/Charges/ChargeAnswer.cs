namespace Payments.Pipeline.Charges;

/// <summary>What a create-charge request comes to, for the ingress to render.</summary>
public abstract record ChargeAnswer
{
    private ChargeAnswer()
    {
    }

    /// <summary>The charge (new, or the one the key first created when <paramref name="Replayed"/>).</summary>
    public sealed record Charge(string Json, bool IsFinal, bool Replayed) : ChargeAnswer;

    /// <summary>The key was used for a different request.</summary>
    public sealed record KeyReused : ChargeAnswer;

    /// <summary>The order already has a live charge.</summary>
    public sealed record DuplicateOrder(string ChargeId) : ChargeAnswer;

    /// <summary>The merchant refuses suspected duplicates and this looks like <paramref name="ChargeId"/>; nothing recorded.</summary>
    public sealed record SuspectedDuplicate(string ChargeId) : ChargeAnswer;

    /// <summary>Nothing recorded: the intent queue is full. Safe to retry with the same key.</summary>
    public sealed record Overloaded : ChargeAnswer;

    /// <summary>Nothing recorded by this request: the database refused it or could not be reached.</summary>
    public sealed record Unavailable : ChargeAnswer;

    /// <summary>
    /// The intent's commit broke under way: it may or may not be recorded. A retry with the same
    /// key is safe and answers the charge if it was.
    /// </summary>
    public sealed record OutcomeUnknown : ChargeAnswer;
}
