using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.Psp;

public sealed class PspOptions : IValidatableObject
{
    public const string Section = "Psp";

    [Required]
    [Url]
    public string BaseUrl { get; set; } = "";

    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>Signs the PSP's webhooks to us; never logged. Without it no webhook could be verified, so start fails.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Psp__WebhookSecret is not set: the PSP's webhooks cannot be verified without the signing secret the PSP gave for our endpoint.")]
    public string? WebhookSecret { get; set; }

    /// <summary>How old a webhook signature may be.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Connections to the PSP at most, so PSP calls in flight at most. Unset: the PSP's share of
    /// the open-files budget (<see cref="Hosting.DescriptorBudget"/>); never more than that.
    /// </summary>
    [Range(1, 1_000_000)]
    public int? MaxConnections { get; set; }

    /// <summary>Patience for one HTTP attempt; the seed's PSP answers in 1–3 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of one call, each with the same Idempotency-Key.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the PSP's search may lag its writes (the contract says at most 5 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan SearchLag { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the PSP keeps an idempotency key and its saved answer (the contract: at least 24 h).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan KeyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Kept back from <see cref="KeyRetention"/> for clocks that run apart and calls under way.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan KeyRetentionMargin { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Invariant 9: how long after a step was recorded it may still be sent to the PSP. Its first
    /// send came after its row was recorded, so the PSP remembers the key at least this long;
    /// after it a send could run the step a second time, and the truth is only read.
    /// </summary>
    public TimeSpan SendWindow => KeyRetention - KeyRetentionMargin;

    /// <summary>The longest wait between two retries of one call (the jittered backoff is capped at it).</summary>
    public TimeSpan LongestRetryDelay => RetryBaseDelay * Math.Pow(2, MaxRetries);

    /// <summary>
    /// The longest one PSP call can take, retries included: every attempt to its timeout, every
    /// wait at its cap. A lease that guards a call is at least this long from the call's start.
    /// </summary>
    public TimeSpan LongestCall => (AttemptTimeout * (MaxRetries + 1)) + (LongestRetryDelay * MaxRetries);

    /// <summary>How long the circuit stays open once the PSP looks down (Polly refuses less than half a second).</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failures among sampled calls that open the circuit.</summary>
    [Range(0.01, 1.0)]
    public double BreakFailureRatio { get; set; } = 0.5;

    /// <summary>Calls in the sampling window before the circuit may open.</summary>
    [Range(2, 100_000)]
    public int BreakMinimumThroughput { get; set; } = 10;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (KeyRetentionMargin >= KeyRetention)
        {
            yield return new ValidationResult(
                "Psp:KeyRetentionMargin must be shorter than Psp:KeyRetention: nothing could ever be sent.",
                [nameof(KeyRetentionMargin), nameof(KeyRetention)]);
        }
    }
}
