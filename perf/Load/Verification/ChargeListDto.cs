namespace Payments.Load.Verification;

/// <summary>One page of <c>GET /v1/charges</c>.</summary>
internal sealed class ChargeListDto
{
    public List<ChargeDto> Data { get; set; } = [];

    public bool HasMore { get; set; }
}
