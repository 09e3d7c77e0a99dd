namespace Payments.Pipeline.Outbox;

/// <summary>
/// A webhook's host resolved to an address <see cref="OutboundAddressPolicy"/> refuses; no
/// connection was attempted. The message names neither the host nor the address.
/// </summary>
internal sealed class DestinationNotAllowedException : Exception
{
    public DestinationNotAllowedException()
        : base("The webhook destination is not a public address; not connected.")
    {
    }

    public DestinationNotAllowedException(string message)
        : base(message)
    {
    }

    public DestinationNotAllowedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
