namespace Payments.Load.Verification;

/// <summary>One money movement the PSP carried out.</summary>
internal sealed class MovementDto
{
    public string Kind { get; set; } = "";

    public long Amount { get; set; }

    public string Currency { get; set; } = "";

    public string? ChargeId { get; set; }
}
