using Microsoft.Extensions.Options;

namespace PspSimulator.Faults;

/// <summary>
/// The plan in force, replaceable at run time. An explicit holder rather than <c>IOptionsMonitor</c>:
/// a replaced plan must also restart its outage window and its <c>max_count</c> counters.
/// </summary>
internal sealed class FaultPlanHolder
{
    private readonly int _defaultSeed;
    private readonly TimeProvider _time;
    private readonly ILogger<FaultPlanHolder> _logger;
    private volatile ActiveFaultPlan _current;

    public FaultPlanHolder(IOptions<SimulatorOptions> options, TimeProvider time, ILogger<FaultPlanHolder> logger)
    {
        _defaultSeed = options.Value.Seed;
        _time = time;
        _logger = logger;
        _current = Activate(options.Value.Faults);
    }

    public ActiveFaultPlan Current => _current;

    public long NowMs => _time.GetTimestamp() * 1000 / _time.TimestampFrequency;

    public ActiveFaultPlan Replace(FaultPlan plan)
    {
        var active = Activate(plan);
        _current = active;
        Log.FaultPlanReplaced(_logger, active.Seed);
        return active;
    }

    // A seed in the plan itself asks for decisions keyed by request (see ActiveFaultPlan); the default
    // seed keeps the arrival-order decisions plans without one have always had.
    private ActiveFaultPlan Activate(FaultPlan plan) => new(plan.WithSeed(plan.Seed ?? _defaultSeed), NowMs, keyed: plan.Seed is not null);
}
