namespace Payments.Pipeline.Outbox;

/// <summary>The slot or publication cannot be used as configured; an operator has to act.</summary>
internal sealed class OutboxConfigurationException : Exception
{
    public OutboxConfigurationException()
    {
    }

    public OutboxConfigurationException(string message)
        : base(message)
    {
    }

    public OutboxConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
