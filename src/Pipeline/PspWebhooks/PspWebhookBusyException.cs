namespace Payments.Pipeline.PspWebhooks;

/// <summary>The webhook could not be recorded now; the PSP should deliver it again later (answer 503).</summary>
public sealed class PspWebhookBusyException : Exception
{
    public PspWebhookBusyException()
        : base("Too many PSP webhooks are waiting to be recorded.")
    {
    }

    public PspWebhookBusyException(string message)
        : base(message)
    {
    }

    public PspWebhookBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
