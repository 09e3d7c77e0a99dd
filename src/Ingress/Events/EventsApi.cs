using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Ingress.Errors;
using Payments.Pipeline.Outbox;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Events;

/// <summary>
/// <c>GET /v1/events?after=&amp;limit=</c>: the merchant's events in commit order. The cursor is
/// the last event id seen; the page holds the events recorded after it in the feed, whose
/// positions the single publisher assigns in commit order, so an event committed late by a
/// slow transaction still comes after the cursor, never behind it. An <c>after</c> that is not
/// one of the merchant's events is a 400 <c>invalid_request</c>.
/// </summary>
internal static class EventsApi
{
    private const int DefaultLimit = 10;
    private const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/events").WithTags("Events").RequireMerchant();
        group.MapGet("/", ListEventsAsync).WithName("ListEvents").Answers(ApiSchemas.ListOf(ApiSchemas.Event), "invalid_request");
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListEventsAsync(
        HttpContext context, EventFeedStore feed, string? after, int? limit, CancellationToken cancellationToken)
    {
        var merchantId = context.Merchant().Id;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Must be from 1 to {MaxLimit}."];
        }

        long position = 0;
        if (after is not null)
        {
            if (await feed.FindPositionAsync(merchantId, after, cancellationToken).ConfigureAwait(false) is { } found)
            {
                position = found;
            }
            else
            {
                errors["after"] = ["No event with this id in your feed."];
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var pageSize = limit ?? DefaultLimit;
        var page = await feed.ListAsync(merchantId, position, pageSize + 1, cancellationToken).ConfigureAwait(false);
        return JsonResults.List(page, pageSize);
    }
}
