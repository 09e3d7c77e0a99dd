using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Charges.Lifecycle;

/// <summary>
/// Something learnt about a charge that may move it: what the PSP answered or showed, or what
/// was proven. <see cref="Name"/> is the fact's column in <see cref="ChargeLifecycle"/>'s table.
/// </summary>
internal abstract record ChargeFact
{
    private ChargeFact()
    {
    }

    public abstract string Name { get; }

    /// <summary>A PaymentIntent the PSP answered or showed (create, GET, search, capture, cancel), already checked to be ours.</summary>
    public sealed record IntentShown(PaymentIntent Intent) : ChargeFact
    {
        public override string Name => ChargeFacts.ForIntentStatus(Intent.Status);
    }

    /// <summary>A 402: the card was declined; nothing was charged.</summary>
    public sealed record Declined(string? PaymentIntentId, string Code, string Message) : ChargeFact
    {
        public override string Name => ChargeFacts.Declined;
    }

    /// <summary>A refusal that proves nothing ran: on the first send, or the PSP's saved answer.</summary>
    public sealed record Refused(int Status, string Type, string Message) : ChargeFact
    {
        public override string Name => ChargeFacts.Refused;
    }

    /// <summary>
    /// Proven not carried out: the key settled (<c>psp_error</c>) or the send window closed
    /// (<c>psp_key_expired</c>), and a read made past the search lag found nothing.
    /// </summary>
    public sealed record ProvenNotCarriedOut(string Code, string Message) : ChargeFact
    {
        public override string Name => ChargeFacts.ProvenNotCarriedOut;
    }
}
