namespace PspSimulator.Disputes;

/// <summary><c>{ "object": "list", "data": [Dispute…], "has_more": false }</c>.</summary>
internal sealed record DisputeListDto(string Object, IReadOnlyList<DisputeDto> Data, bool HasMore, string Url);
