using Microsoft.Extensions.Logging;

namespace Payments.Pipeline;

/// <summary>Payouts' messages (ids 3600–3699).</summary>
internal static partial class Log
{
    [LoggerMessage(3600, LogLevel.Information, "Payout {PayoutId}: outcome still unknown after {Reason}; next look in {RetryIn}")]
    public static partial void PayoutStillUnknown(ILogger logger, string payoutId, string reason, TimeSpan retryIn);

    [LoggerMessage(3601, LogLevel.Error, "Payout {PayoutId}: the PSP showed payout {PspPayoutId}, which cannot be ours ({Mismatch}); nothing applied")]
    public static partial void PayoutMismatch(ILogger logger, string payoutId, string pspPayoutId, string mismatch);

    [LoggerMessage(3602, LogLevel.Error, "Payout {PayoutId} failed to advance; it stays pending for the payout sweep")]
    public static partial void PayoutStepFailed(ILogger logger, string payoutId, Exception exception);

    [LoggerMessage(3603, LogLevel.Warning, "Payout {PayoutId}: the send window closed; its outcome is only read from now on")]
    public static partial void PayoutSendWindowClosed(ILogger logger, string payoutId);

    [LoggerMessage(3604, LogLevel.Warning, "The payout sweep failed; it runs again at its next tick")]
    public static partial void PayoutSweepFailed(ILogger logger, Exception exception);
}
