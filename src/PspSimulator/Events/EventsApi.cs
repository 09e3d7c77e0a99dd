using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Protocol;

namespace PspSimulator.Events;

/// <summary><c>GET /v1/events</c>, newest first, paged with <c>starting_after</c>.</summary>
internal static class EventsApi
{
    private const int DefaultLimit = 10;
    private const int MaxLimit = 100;

    private static readonly HashSet<string> Parameters = new(StringComparer.Ordinal) { "created[gte]", "starting_after", "limit" };

    public static RouteGroupBuilder MapEvents(this RouteGroupBuilder v1)
    {
        v1.MapGet("/events", ListAsync).WithName("ListEvents");
        return v1;
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> ListAsync(
        HttpContext http,
        OperationRunner runner,
        EventStore store)
    {
        var (parameters, error) = FormParameters.FromQuery(http.Request.Query);
        error ??= ParameterRules.RejectUnknown(parameters!, Parameters, allowMetadata: false);
        if (error is not null)
        {
            return error;
        }

        long? createdGte = null;
        if (parameters!.TryGet("created[gte]", out var createdText))
        {
            if (!long.TryParse(createdText, NumberStyles.None, CultureInfo.InvariantCulture, out var created))
            {
                return StripeErrors.InvalidRequest("Invalid timestamp: " + createdText, "created[gte]", "parameter_invalid_integer");
            }

            createdGte = created;
        }

        var limit = DefaultLimit;
        if (parameters.TryGet("limit", out var limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return StripeErrors.InvalidRequest("limit must be an integer between 1 and 100.", "limit", "parameter_invalid_integer");
        }

        long? before = null;
        if (parameters.TryGet("starting_after", out var startingAfter))
        {
            if (!store.TryGetSequence(startingAfter, out var sequence))
            {
                return StripeErrors.InvalidRequest("No such event: '" + startingAfter + "'", "starting_after", "resource_missing");
            }

            before = sequence;
        }

        return await runner.RunGetAsync(http, Operation.Events, () =>
        {
            var (events, hasMore) = store.List(createdGte, before, limit);
            return new StripeResponse(StatusCodes.Status200OK, EventJson.WriteList(events, hasMore));
        }).ConfigureAwait(false);
    }
}
