namespace Payments.Load.Verification;

/// <summary>The fields of a charge the checks need.</summary>
internal sealed class ChargeDto
{
    public string Id { get; set; } = "";

    public string Status { get; set; } = "";

    public long AmountCaptured { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);
}
