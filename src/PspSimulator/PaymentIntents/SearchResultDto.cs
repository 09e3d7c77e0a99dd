namespace PspSimulator.PaymentIntents;

/// <summary><c>{ "object": "search_result", "data": [...], "has_more": false }</c>.</summary>
internal sealed record SearchResultDto(string Object, IReadOnlyList<PaymentIntentDto> Data, bool HasMore, string Url, string? NextPage);
