namespace Payments.Load.Verification;

/// <summary>How often money moved for one charge id at the PSP; above one is a double charge.</summary>
internal sealed class MovementCountsDto
{
    public int Authorize { get; set; }

    public int Capture { get; set; }

    public int Refund { get; set; }
}
