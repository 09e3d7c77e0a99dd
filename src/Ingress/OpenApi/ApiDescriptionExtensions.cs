namespace Payments.Ingress.OpenApi;

/// <summary>Route metadata for the OpenAPI document; no effect on what a route does.</summary>
internal static class ApiDescriptionExtensions
{
    /// <summary>Describes the route's success answers and its own problem codes.</summary>
    public static RouteHandlerBuilder Answers(this RouteHandlerBuilder route, string schema, int[] statuses, params string[] problems) =>
        route.WithMetadata(new ApiAnswers(schema, statuses, problems));

    /// <summary>A success answer <c>200</c> with <paramref name="schema"/>, and the route's own problem codes.</summary>
    public static RouteHandlerBuilder Answers(this RouteHandlerBuilder route, string schema, params string[] problems) =>
        route.Answers(schema, [StatusCodes.Status200OK], problems);

    /// <summary>Describes the route's JSON body.</summary>
    public static RouteHandlerBuilder Takes(this RouteHandlerBuilder route, string schema, bool honoursPrefer = false) =>
        route.WithMetadata(new ApiBody(schema, honoursPrefer));
}
