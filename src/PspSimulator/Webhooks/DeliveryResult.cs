namespace PspSimulator.Webhooks;

/// <summary>How one delivery attempt ended.</summary>
internal enum DeliveryResult
{
    Delivered,
    Failed,
    NoEndpoint,
}
