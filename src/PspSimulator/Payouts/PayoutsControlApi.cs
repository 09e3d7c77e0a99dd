using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Maintenance;

namespace PspSimulator.Payouts;

/// <summary><c>/_sim/payouts/{id}/return</c>: the bank returns a paid payout now, which no real PSP lets a caller do.</summary>
internal static class PayoutsControlApi
{
    public static RouteGroupBuilder MapPayoutControl(this RouteGroupBuilder sim)
    {
        sim.MapPost("/payouts/{id}/return", Return).WithName("ReturnPayout");
        return sim;
    }

    private static Results<Ok<PayoutDto>, BadRequest<ControlErrorDto>, NotFound<ControlErrorDto>> Return(string id, PayoutStore store)
    {
        if (!store.TryGet(id, out var payout))
        {
            return TypedResults.NotFound(new ControlErrorDto("No such payout: '" + id + "'.", []));
        }

        var returned = store.Return(payout);
        if (returned.Payout is null)
        {
            return TypedResults.BadRequest(new ControlErrorDto(returned.Refusal!, []));
        }

        return TypedResults.Ok(returned.Payout);
    }
}
