namespace PspSimulator.Faults;

/// <summary>The one request fault chosen for a request (at most one applies).</summary>
internal enum FaultKind
{
    None,
    Timeout,
    RateLimit,
    Error500Before,
    Error500After,
    ResetAfter,
    GatewayError,
}
