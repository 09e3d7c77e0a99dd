using System.Globalization;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Hosting;

/// <summary>
/// The process's open-files limit, shared out before anything runs. Every client connection and
/// every PSP call in flight holds a descriptor; at the seed's peak that is about 10,000 PSP calls
/// plus the clients. When the limit ran out, accepts, PSP connects and the runtime's own needs
/// failed together and the process aborted ("Out of memory."). With a budget, client connections
/// beyond their share are refused by Kestrel and PSP calls beyond theirs wait for a permit, and
/// the process keeps its headroom.
/// </summary>
public sealed record DescriptorBudget(long OpenFilesLimit, int Reserved, int InboundConnections, int PspConnections)
{
    /// <summary>Runtime, log files, the replication and webhook-delivery connections.</summary>
    public const int Headroom = 512;

    /// <summary>The PSP's share of what is left after the reserve; the rest is for clients.</summary>
    public const double PspShare = 0.65;

    /// <summary>Used when the limit cannot be read (not Linux): large enough not to constrain.</summary>
    public const long UnknownLimit = 65_536;

    public static DescriptorBudget For(long openFilesLimit, int databasePoolSize)
    {
        var reserved = databasePoolSize + Headroom;
        var available = (int)Math.Clamp(openFilesLimit - reserved, 2, int.MaxValue);
        var psp = Math.Max(1, (int)(available * PspShare));
        return new DescriptorBudget(openFilesLimit, reserved, Math.Max(1, available - psp), psp);
    }

    /// <summary>This process's budget: its open-files limit, less the database pool it is configured with.</summary>
    public static DescriptorBudget For(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString(StorageServiceCollectionExtensions.ConnectionStringName);
        var pool = string.IsNullOrWhiteSpace(connectionString) ? 100 : new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize;
        return For(ReadOpenFilesLimit() ?? UnknownLimit, pool);
    }

    /// <summary>The soft limit on open files (what the kernel enforces), from /proc/self/limits.</summary>
    public static long? ReadOpenFilesLimit(string limitsFile = "/proc/self/limits")
    {
        if (!File.Exists(limitsFile))
        {
            return null;
        }

        foreach (var line in File.ReadLines(limitsFile))
        {
            // "Max open files            20000                20000                files"
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }

            var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return soft == "unlimited" ? int.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
        }

        return null;
    }

    /// <summary>What was asked for, or the budget's share when nothing was; never more than the share.</summary>
    public static int Cap(int? configured, int share) => configured is { } asked ? Math.Min(asked, share) : share;
}
