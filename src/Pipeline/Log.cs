using Microsoft.Extensions.Logging;

namespace Payments.Pipeline;

internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Embedded PostgreSQL cluster initialized in {Directory}")]
    public static partial void EmbeddedPostgresInitialized(ILogger logger, string directory);

    [LoggerMessage(1001, LogLevel.Information, "Embedded PostgreSQL started from {Directory} on 127.0.0.1:{Port}")]
    public static partial void EmbeddedPostgresStarted(ILogger logger, string directory, int port);

    [LoggerMessage(1002, LogLevel.Information, "Embedded PostgreSQL in {Directory} stopped")]
    public static partial void EmbeddedPostgresStopped(ILogger logger, string directory);

    [LoggerMessage(1003, LogLevel.Warning, "{Requested} is not reachable by user {User}; the embedded cluster lives in {Fallback} instead")]
    public static partial void EmbeddedPostgresFallbackFolder(ILogger logger, string requested, string user, string fallback);

    [LoggerMessage(1010, LogLevel.Information, "Applied migration {Version} {Name}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(1100, LogLevel.Critical, "Partition {Partition} loop failed; its writer is completed with the error")]
    public static partial void PartitionLoopFailed(ILogger logger, int partition, Exception exception);

    [LoggerMessage(1101, LogLevel.Error, "The {Step} failed; its row stays pending for the recovery sweep")]
    public static partial void StepFailed(ILogger logger, string step, Exception exception);

    [LoggerMessage(1200, LogLevel.Warning, "A group commit of {Count} {Name} failed; committing them one by one")]
    public static partial void GroupCommitRetriedSingly(ILogger logger, string name, int count, Exception exception);

    [LoggerMessage(1300, LogLevel.Warning, "Charge {ChargeId}: PSP outcome unknown ({Reason}); resolving by replay and read")]
    public static partial void OutcomeUnknown(ILogger logger, string chargeId, string reason);

    [LoggerMessage(1301, LogLevel.Information, "Charge {ChargeId}: outcome still unknown after {Reason}; next look in {RetryIn}")]
    public static partial void OutcomeStillUnknown(ILogger logger, string chargeId, string reason, TimeSpan retryIn);

    [LoggerMessage(1302, LogLevel.Debug, "Charge {ChargeId}: {Fact} does not move it from {From}; ignored")]
    public static partial void StaleMoveIgnored(ILogger logger, string chargeId, string from, string fact);

    [LoggerMessage(1400, LogLevel.Information, "Recovery sweep put {Count} pending charges back through their partitions")]
    public static partial void SweepResumed(ILogger logger, int count);

    [LoggerMessage(1401, LogLevel.Warning, "Recovery sweep failed; retrying on the next tick")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(1500, LogLevel.Information, "{Kind} {StepId} is still open ({Reason}); it will be resolved before anything else is sent for its charge")]
    public static partial void StepStillOpen(ILogger logger, string kind, string stepId, string reason);

    [LoggerMessage(1303, LogLevel.Error, "{Kind} {StepId}: the PSP answered {PspObject}, which cannot be ours ({Mismatch}); not applied, waiting for a true answer")]
    public static partial void PspMismatch(ILogger logger, string kind, string stepId, string pspObject, string mismatch);

    [LoggerMessage(1304, LogLevel.Warning, "{Kind} {StepId}: older than the PSP's key retention allows to send again; only reading the PSP from now on")]
    public static partial void SendWindowClosed(ILogger logger, string kind, string stepId);

    [LoggerMessage(1600, LogLevel.Information, "PSP event {EventId} ({Type}, from the {Source}) is about {ObjectId}, which is no charge or refund of ours; recorded and ignored")]
    public static partial void UnknownPspObject(ILogger logger, string eventId, string type, string? objectId, string source);

    [LoggerMessage(1601, LogLevel.Debug, "Read the PSP's event log from {CreatedGte}: {Events} events, {Applied} applied, in {Pages} pages")]
    public static partial void PspEventsRead(ILogger logger, long createdGte, int events, int applied, int pages);

    [LoggerMessage(1602, LogLevel.Warning, "Reading the PSP's event log stopped ({Reason}); the cursor stays where it was and the next read starts there again")]
    public static partial void PspEventReadStopped(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(1700, LogLevel.Information, "Reconciled {Date:yyyy-MM-dd}: {Lines} lines ({Earlier} reconciled before), {Matched} matched, {Healed} healed, {Discrepancies} discrepancies, {FeeJournals} PSP fee journals posted")]
    public static partial void Reconciled(ILogger logger, DateOnly date, int lines, int earlier, int matched, int healed, int discrepancies, long feeJournals);

    [LoggerMessage(1701, LogLevel.Warning, "Reconciliation of {Date:yyyy-MM-dd} failed and changed nothing: {Reason}")]
    public static partial void ReconciliationFailed(ILogger logger, DateOnly date, string reason);

    [LoggerMessage(1702, LogLevel.Warning, "Looking for settlement days to reconcile failed; looking again at the next interval")]
    public static partial void ReconciliationLookFailed(ILogger logger, Exception exception);

    [LoggerMessage(1703, LogLevel.Warning, "Reconciliation run {RunId} of {Date:yyyy-MM-dd} lost its date's lock and was failed as abandoned by a later run; its result is not recorded")]
    public static partial void ReconciliationAbandoned(ILogger logger, DateOnly date, string runId);
}
