using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Clock;
using PspSimulator.Maintenance;

namespace PspSimulator.Settlement;

/// <summary><c>POST /_sim/settlement/close[?date=yyyy-mm-dd]</c>, by default today by the simulator clock.</summary>
internal static class SettlementControlApi
{
    public static RouteGroupBuilder MapSettlementControl(this RouteGroupBuilder sim)
    {
        sim.MapPost("/settlement/close", Close).WithName("CloseSettlementDay");
        return sim;
    }

    private static Results<Ok<SettlementCloseDto>, BadRequest<ControlErrorDto>> Close(string? date, SettlementLedger ledger, SimulatorClock clock)
    {
        var day = clock.Today;
        if (date is not null && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return TypedResults.BadRequest(new ControlErrorDto("date must be yyyy-mm-dd.", []));
        }

        if (day > clock.Today)
        {
            return TypedResults.BadRequest(new ControlErrorDto("A day in the future (by the simulator clock) cannot be closed.", []));
        }

        var (rows, alreadyClosed) = ledger.Close(day);
        var text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return TypedResults.Ok(new SettlementCloseDto(text, rows, alreadyClosed, "/v1/settlement_reports/" + text));
    }
}
