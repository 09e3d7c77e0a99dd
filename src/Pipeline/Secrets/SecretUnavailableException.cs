namespace Payments.Pipeline.Secrets;

/// <summary>A sealed secret could not be opened: its key is not configured, or the stored value was altered.</summary>
internal sealed class SecretUnavailableException : Exception
{
    public SecretUnavailableException()
    {
    }

    public SecretUnavailableException(string message)
        : base(message)
    {
    }

    public SecretUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
