using Microsoft.Extensions.Logging;

namespace Payments.Pipeline;

/// <summary>Retention's messages (ids 3700–3799).</summary>
internal static partial class Log
{
    [LoggerMessage(3700, LogLevel.Information, "Retention dropped partition {Partition} of {Table}")]
    public static partial void RetentionDropped(ILogger logger, string table, string partition);

    [LoggerMessage(3701, LogLevel.Warning, "Retention run failed; nothing was lost, the next run tries again")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
