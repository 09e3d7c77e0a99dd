using System.ComponentModel.DataAnnotations;
using PspSimulator.Faults;
using PspSimulator.Protocol;

namespace PspSimulator;

/// <summary>Settings of the simulator, section <c>Simulator</c> (environment: <c>Simulator__ApiKey</c> and so on).</summary>
internal sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>The bearer key <c>/v1/</c> accepts.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ApiKey { get; set; } = "sk_test_sim";

    /// <summary>Where webhooks go; none are sent while unset. Also settable at run time.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The webhook signing secret; several, comma separated, give several <c>v1=</c> entries.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Seed of every fault decision when the plan names none.</summary>
    public int Seed { get; set; }

    /// <summary>How long a new PaymentIntent stays invisible to search; the contract allows at most 5 s.</summary>
    [Range(0, 5_000)]
    public int SearchLagMs { get; set; } = 1_000;

    /// <summary>
    /// How long idempotency keys are kept, by the simulator clock. The contract promises 24 h; lower it
    /// only for long runs at full rate, where 24 h of keys would not fit in memory. A run that moves
    /// the clock days ahead in seconds (the chaos runner) raises it, so a retry still in flight
    /// across a jump is replayed as a real PSP, keeping keys 24 h of real time, would.
    /// </summary>
    [Range(60, 315_360_000)]
    public int IdempotencyKeyRetentionSeconds { get; set; } = 86_400;

    /// <summary>How long PaymentIntents, refunds, events, movements and closed reports are kept, by the simulator clock (72 h).</summary>
    [Range(60, 315_360_000)]
    public int RetentionSeconds { get; set; } = 259_200;

    /// <summary>How often (real time) the pruner runs and past days are closed.</summary>
    [Range(100, 3_600_000)]
    public int PruneIntervalMs { get; set; } = 5_000;

    /// <summary>When above 0, a refund is created <c>pending</c> and becomes <c>succeeded</c> this much later (real time).</summary>
    [Range(0, 3_600_000)]
    public int RefundPendingMs { get; set; }

    /// <summary>
    /// How long a manual-capture authorization stays capturable, by the simulator clock: a PaymentIntent
    /// in <c>requires_capture</c> carries <c>capture_before = created + this</c> and is canceled
    /// (<c>automatic</c>) once the clock reaches it. Seven days, as at a real PSP.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan AuthorizationValidity { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often (real time) expired authorizations are looked for and canceled without any request.</summary>
    [Range(100, 3_600_000)]
    public int ExpirySweepIntervalMs { get; set; } = 1_000;

    /// <summary>What the PSP takes on top of the disputed amount when a dispute opens, in minor units; never given back.</summary>
    [Range(0, ParameterRules.MaxAmount)]
    public long DisputeFee { get; set; } = 1_500;

    /// <summary>The fault plan in force at start, in the shape of <c>PUT /_sim/faults</c>.</summary>
    public FaultPlan Faults { get; set; } = new();
}
