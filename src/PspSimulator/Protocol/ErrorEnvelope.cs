namespace PspSimulator.Protocol;

/// <summary><c>{ "error": { … } }</c>.</summary>
internal sealed record ErrorEnvelope(ErrorBody Error);
