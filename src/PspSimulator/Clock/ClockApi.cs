using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Maintenance;

namespace PspSimulator.Clock;

/// <summary><c>GET /_sim/clock</c> and <c>POST /_sim/clock/advance?seconds=N</c> (forward only; prunes and auto-closes at once).</summary>
internal static class ClockApi
{
    public static RouteGroupBuilder MapClock(this RouteGroupBuilder sim)
    {
        sim.MapGet("/clock", (SimulatorClock clock) => TypedResults.Ok(Reading(clock))).WithName("GetClock");
        sim.MapPost("/clock/advance", Advance).WithName("AdvanceClock");
        return sim;
    }

    private static Results<Ok<ClockDto>, BadRequest<ControlErrorDto>> Advance(
        double? seconds,
        SimulatorClock clock,
        Pruner pruner,
        ILogger<SimulatorClock> logger)
    {
        if (seconds is not { } by || double.IsNaN(by) || by < 0 || by > 10 * 365 * 86_400.0)
        {
            return TypedResults.BadRequest(new ControlErrorDto("seconds must be a number from 0 to ten years; the clock only moves forward.", []));
        }

        clock.Advance(TimeSpan.FromSeconds(by));
        Log.ClockAdvanced(logger, by, clock.UtcNow);
        pruner.Prune();
        return TypedResults.Ok(Reading(clock));
    }

    private static ClockDto Reading(SimulatorClock clock)
    {
        var now = clock.UtcNow;
        return new ClockDto(
            now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            now.ToUnixTimeSeconds(),
            clock.Offset.TotalSeconds);
    }
}
