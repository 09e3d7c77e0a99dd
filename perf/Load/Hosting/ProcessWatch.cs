using System.Globalization;

namespace Payments.Load.Hosting;

/// <summary>
/// Where the CPU goes, from <c>/proc</c>: for each watched process its user and system time,
/// the time of its reaped children (PostgreSQL's ended backends) and of its live descendants
/// (the running backends), so "postgres" is the whole cluster under its postmaster. The runner
/// watches itself as "runner", and "machine" is every process's busy time from <c>/proc/stat</c>:
/// on a shared machine the difference is what others took. Linux only; elsewhere nothing is watched.
/// </summary>
internal sealed class ProcessWatch
{
    // USER_HZ: 100 on every Linux architecture .NET runs on (the kernel's ABI, not CONFIG_HZ).
    private const double TicksPerSecond = 100;

    private readonly List<(string Name, int Pid)> _watched;

    public ProcessWatch(IEnumerable<string> specs)
    {
        var watched = new List<(string, int)> { ("runner", Environment.ProcessId) };
        foreach (var spec in specs)
        {
            var parts = spec.Split('=', 2);
            if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                throw new ArgumentException($"--watch takes name=pid, not '{spec}'.", nameof(specs));
            }

            watched.Add((parts[0], pid));
        }

        _watched = watched;
    }

    public const string Machine = "machine";

    public static bool Supported => Directory.Exists("/proc/self");

    public IReadOnlyList<ProcessUsage> Sample()
    {
        if (!Supported)
        {
            return [];
        }

        var parents = ReadParents();
        var usage = new List<ProcessUsage>(_watched.Count);
        foreach (var (name, pid) in _watched)
        {
            var ticks = OwnTicks(pid, includeReaped: true);
            foreach (var descendant in Descendants(pid, parents))
            {
                ticks += OwnTicks(descendant, includeReaped: false);
            }

            usage.Add(new ProcessUsage(name, ticks / TicksPerSecond, RssMib(pid)));
        }

        usage.Add(new ProcessUsage(Machine, MachineBusyTicks() / TicksPerSecond, 0));
        return usage;
    }

    /// <summary>All CPUs' time in user, nice, system, irq, softirq and steal: everything but idle and I/O wait.</summary>
    private static long MachineBusyTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        for (var i = 1; i < Math.Min(fields.Length, 9); i++)
        {
            if (i is not 4 and not 5)
            {
                busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
            }
        }

        return busy;
    }

    private static Dictionary<int, List<int>> ReadParents()
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            var fields = StatFields(pid);
            if (fields is null)
            {
                continue;
            }

            // Field 4 of stat is the parent; index 1 after the command's closing parenthesis.
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(pid);
        }

        return children;
    }

    private static IEnumerable<int> Descendants(int pid, Dictionary<int, List<int>> children)
    {
        var pending = new Stack<int>(children.GetValueOrDefault(pid) ?? []);
        while (pending.TryPop(out var child))
        {
            yield return child;
            foreach (var grandchild in children.GetValueOrDefault(child) ?? [])
            {
                pending.Push(grandchild);
            }
        }
    }

    private static long OwnTicks(int pid, bool includeReaped)
    {
        var fields = StatFields(pid);
        if (fields is null)
        {
            return 0;
        }

        // utime, stime, cutime, cstime are stat fields 14..17: indexes 11..14 after the command.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return includeReaped ? ticks + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture) : ticks;
    }

    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");

            // The command may hold spaces and parentheses; everything after the last ')' is fixed.
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double RssMib(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kib = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return Math.Round(kib / 1024.0, 1);
                }
            }
        }
        catch (IOException)
        {
            // The process ended: no memory to report.
        }

        return 0;
    }
}
