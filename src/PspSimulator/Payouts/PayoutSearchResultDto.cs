namespace PspSimulator.Payouts;

/// <summary><c>{ "object": "search_result", "data": [Payout…], "has_more": false }</c>, as a PaymentIntent search.</summary>
internal sealed record PayoutSearchResultDto(string Object, IReadOnlyList<PayoutDto> Data, bool HasMore, string Url, string? NextPage);
