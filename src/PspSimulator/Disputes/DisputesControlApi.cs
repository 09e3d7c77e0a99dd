using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Maintenance;

namespace PspSimulator.Disputes;

/// <summary>
/// <c>/_sim/disputes</c>: what a cardholder's bank and the PSP's review do to a charge, which no real
/// PSP lets a caller do: open a dispute, move it to under_review (and back), close it won or lost.
/// </summary>
internal static class DisputesControlApi
{
    public static RouteGroupBuilder MapDisputeControl(this RouteGroupBuilder sim)
    {
        sim.MapPost("/disputes", OpenAsync).WithName("OpenDispute");
        sim.MapPost("/disputes/{id}/under_review", (string id, DisputeStore store) => Move(id, DisputeStatus.UnderReview, store)).WithName("MoveDisputeUnderReview");
        sim.MapPost("/disputes/{id}/needs_response", (string id, DisputeStore store) => Move(id, DisputeStatus.NeedsResponse, store)).WithName("MoveDisputeNeedsResponse");
        sim.MapPost("/disputes/{id}/close", CloseAsync).WithName("CloseDispute");
        return sim;
    }

    private static async Task<Results<Ok<DisputeDto>, BadRequest<ControlErrorDto>>> OpenAsync(
        HttpContext http,
        DisputeStore store,
        CancellationToken cancellationToken)
    {
        var (request, invalid) = await ReadAsync(http, ControlJsonContext.Default.OpenDisputeRequest, cancellationToken).ConfigureAwait(false);
        if (invalid is not null)
        {
            return invalid;
        }

        if (string.IsNullOrEmpty(request?.PaymentIntent))
        {
            return Refused("payment_intent is required.");
        }

        var reason = request.Reason ?? DisputeReasons.Fraudulent;
        if (!DisputeReasons.IsKnown(reason))
        {
            return Refused("reason must be one of fraudulent, product_not_received, duplicate or general.");
        }

        var opened = store.Open(request.PaymentIntent, request.Amount, reason);
        if (opened.Dispute is null)
        {
            return Refused(opened.Refusal!);
        }

        return TypedResults.Ok(opened.Dispute);
    }

    private static async Task<Results<Ok<DisputeDto>, BadRequest<ControlErrorDto>, NotFound<ControlErrorDto>>> CloseAsync(
        string id,
        HttpContext http,
        DisputeStore store,
        CancellationToken cancellationToken)
    {
        var (request, invalid) = await ReadAsync(http, ControlJsonContext.Default.CloseDisputeRequest, cancellationToken).ConfigureAwait(false);
        if (invalid is not null)
        {
            return invalid;
        }

        if (request?.Status is not (DisputeStatus.Won or DisputeStatus.Lost))
        {
            return Refused("status must be won or lost.");
        }

        return Move(id, request.Status, store);
    }

    private static Results<Ok<DisputeDto>, BadRequest<ControlErrorDto>, NotFound<ControlErrorDto>> Move(string id, string to, DisputeStore store)
    {
        if (!store.TryGet(id, out var dispute))
        {
            return TypedResults.NotFound(new ControlErrorDto("No such dispute: '" + id + "'.", []));
        }

        var moved = store.Move(dispute, to);
        if (moved.Dispute is null)
        {
            return Refused(moved.Refusal!);
        }

        return TypedResults.Ok(moved.Dispute);
    }

    private static BadRequest<ControlErrorDto> Refused(string why) => TypedResults.BadRequest(new ControlErrorDto(why, []));

    private static async Task<(T? Request, BadRequest<ControlErrorDto>? Invalid)> ReadAsync<T>(
        HttpContext http,
        JsonTypeInfo<T> type,
        CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return (await JsonSerializer.DeserializeAsync(http.Request.Body, type, cancellationToken).ConfigureAwait(false), null);
        }
        catch (JsonException exception)
        {
            return (null, TypedResults.BadRequest(new ControlErrorDto("The body is not valid JSON of the expected shape.", [exception.Message])));
        }
    }
}
