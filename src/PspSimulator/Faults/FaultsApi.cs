using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Maintenance;

namespace PspSimulator.Faults;

/// <summary><c>/_sim/faults</c>: read, replace or clear the fault plan; <c>/_sim/faults/applied</c>: how often each fault hit.</summary>
internal static class FaultsApi
{
    public static RouteGroupBuilder MapFaults(this RouteGroupBuilder sim)
    {
        sim.MapGet("/faults", Get).WithName("GetFaultPlan");
        sim.MapPut("/faults", ReplaceAsync).WithName("ReplaceFaultPlan");
        sim.MapDelete("/faults", Clear).WithName("ClearFaultPlan");
        sim.MapGet("/faults/applied", (FaultPlanHolder faults) => TypedResults.Ok(faults.Current.Applied)).WithName("GetFaultsApplied");
        return sim;
    }

    private static JsonHttpResult<FaultPlan> Get(FaultPlanHolder faults) =>
        TypedResults.Json(faults.Current.Plan, FaultPlanJsonContext.Default.FaultPlan);

    private static async Task<Results<JsonHttpResult<FaultPlan>, BadRequest<ControlErrorDto>>> ReplaceAsync(
        HttpContext http,
        FaultPlanHolder faults,
        CancellationToken cancellationToken)
    {
        FaultPlan? plan;
        try
        {
            plan = await JsonSerializer.DeserializeAsync(http.Request.Body, FaultPlanJsonContext.Default.FaultPlan, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            return TypedResults.BadRequest(new ControlErrorDto("The fault plan is not valid JSON of the plan's shape.", [exception.Message]));
        }

        if (plan is null)
        {
            return TypedResults.BadRequest(new ControlErrorDto("The fault plan is missing.", []));
        }

        var errors = FaultPlanValidator.Validate(plan, string.Empty);
        if (errors.Count > 0)
        {
            return TypedResults.BadRequest(new ControlErrorDto("The fault plan is invalid.", errors));
        }

        return TypedResults.Json(faults.Replace(plan).Plan, FaultPlanJsonContext.Default.FaultPlan);
    }

    private static JsonHttpResult<FaultPlan> Clear(FaultPlanHolder faults) =>
        TypedResults.Json(faults.Replace(new FaultPlan()).Plan, FaultPlanJsonContext.Default.FaultPlan);
}
