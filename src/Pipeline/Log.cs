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
}
