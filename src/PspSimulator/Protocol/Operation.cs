namespace PspSimulator.Protocol;

/// <summary>The API operations a fault can be aimed at (names as in the fault plan's <c>operations</c>).</summary>
internal enum Operation
{
    Create,
    Capture,
    Cancel,
    Refund,
    Retrieve,
    Search,
    ListRefunds,
    Events,
    ListDisputes,
    Payout,
}
