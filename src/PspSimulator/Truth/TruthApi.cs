using Microsoft.AspNetCore.Http.HttpResults;

namespace PspSimulator.Truth;

/// <summary><c>GET /_sim/truth[?charge_id=ch_…]</c>: the ground truth.</summary>
internal static class TruthApi
{
    public static RouteGroupBuilder MapTruth(this RouteGroupBuilder sim)
    {
        sim.MapGet("/truth", Get).WithName("GetTruth");
        return sim;
    }

    private static Ok<TruthDto> Get(TruthBuilder truth, string? charge_id) => TypedResults.Ok(truth.Build(charge_id));
}
