namespace Payments.Pipeline.Charges;

public static class ChargeStatus
{
    public const string Pending = "pending";
    public const string Authorized = "authorized";
    public const string Captured = "captured";
    public const string Failed = "failed";
    public const string Voided = "voided";
}

internal static class PendingReason
{
    public const string AwaitingPsp = "awaiting_psp";
    public const string OutcomeUnknown = "outcome_unknown";
    public const string PspUnavailable = "psp_unavailable";

    /// <summary>The PSP answered with an object that cannot be ours; nothing was applied.</summary>
    public const string PspMismatch = "psp_mismatch";
}

/// <summary>Who made a move, as the audit trail records it (the intent's own row says "api" in SQL).</summary>
internal static class Actor
{
    public const string Pipeline = "pipeline";
    public const string PspWebhook = "psp_webhook";

    /// <summary>Someone at the PSP directly (its dashboard), learnt through its webhooks or event log.</summary>
    public const string Psp = "psp";
}
