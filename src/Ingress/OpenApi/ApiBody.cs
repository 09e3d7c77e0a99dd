namespace Payments.Ingress.OpenApi;

/// <summary>The JSON body a POST route takes, and whether it honours <c>Prefer: respond-async</c>.</summary>
internal sealed record ApiBody(string Schema, bool HonoursPrefer);
