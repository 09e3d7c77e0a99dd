namespace PspSimulator.Refunds;

/// <summary><c>{ "object": "list", "data": [Refund…], "has_more": false }</c>.</summary>
internal sealed record RefundListDto(string Object, IReadOnlyList<RefundDto> Data, bool HasMore, string Url);
