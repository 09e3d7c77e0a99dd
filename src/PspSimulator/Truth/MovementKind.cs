namespace PspSimulator.Truth;

/// <summary>Money movements the simulator carries out.</summary>
internal enum MovementKind
{
    Authorize,
    Capture,
    Refund,
}
