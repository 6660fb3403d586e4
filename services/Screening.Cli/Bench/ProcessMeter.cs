using System.Globalization;

namespace Screening.Cli.Bench;

/// <summary>A local process to meter, with every process below it (PostgreSQL's backends, say).</summary>
internal sealed record MeteredProcess(string Label, int Pid);

/// <summary>CPU time and memory of a process tree at one moment.</summary>
internal sealed record ProcessSample(int Processes, double CpuSeconds, long PeakResidentBytes, long ResidentBytes);

/// <summary>What a metered process used during a run: CPU between two samples, memory at the end.</summary>
internal sealed record ProcessUsage(string Label, int Pid, int Processes, double CpuSeconds, long PeakResidentBytes, long ResidentBytes);

/// <summary>
/// Reads /proc (Linux): CPU time as utime + stime of /proc/PID/stat, peak resident memory as VmHWM and
/// current as VmRSS of /proc/PID/status, each summed over the process and its descendants (for a tree the
/// sum counts shared pages once per process, so it is an upper bound).
/// </summary>
internal static class ProcessMeter
{
    /// <summary>The services' assembly names: `dotnet Screening.Fitting.dll` or the apphost `Screening.Fitting`.</summary>
    private static readonly string[] Services = ["Screening.Ingestion", "Screening.Fitting", "Screening.Selectivity"];

    /// <summary>USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux the runtime supports.</summary>
    private const double ClockTicksPerSecond = 100;

    public static bool IsAvailable => OperatingSystem.IsLinux() && File.Exists("/proc/self/stat");

    /// <summary>Local processes of the three services, found by their command line ("fitting-1", "fitting-2" when there are several).</summary>
    public static IReadOnlyList<MeteredProcess> FindServices()
    {
        if (!IsAvailable)
        {
            return [];
        }

        var found = new List<(string Service, int Pid)>();
        foreach (var pid in Pids().Where(p => p != Environment.ProcessId).Order())
        {
            // The apphost itself, or `dotnet ... Screening.X.dll`; not `dotnet run --project .../Screening.X`, whose child is the service.
            var arguments = Read($"/proc/{pid}/cmdline")?.Split('\0', StringSplitOptions.RemoveEmptyEntries) ?? [];
            var service = Services.FirstOrDefault(s =>
                (arguments.Length > 0 && Path.GetFileName(arguments[0]) == s) || arguments.Any(a => Path.GetFileName(a) == s + ".dll"));
            if (service is not null)
            {
                found.Add((service, pid));
            }
        }

#pragma warning disable CA1308 // a label, not a normalized key
        return found.GroupBy(f => f.Service)
            .SelectMany(g => g.Select((f, i) => new MeteredProcess(
                g.Key["Screening.".Length..].ToLowerInvariant() + (g.Count() > 1 ? string.Create(CultureInfo.InvariantCulture, $"-{i + 1}") : string.Empty), f.Pid)))
            .ToArray();
#pragma warning restore CA1308
    }

    public static bool Exists(int pid) => IsAvailable && File.Exists($"/proc/{pid}/stat");

    /// <summary>Every metered tree at once (one pass over /proc); a process that is gone has no sample.</summary>
    public static IReadOnlyDictionary<MeteredProcess, ProcessSample> Sample(IReadOnlyList<MeteredProcess> processes)
    {
        ArgumentNullException.ThrowIfNull(processes);
        var samples = new Dictionary<MeteredProcess, ProcessSample>();
        if (!IsAvailable || processes.Count == 0)
        {
            return samples;
        }

        var stats = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var pid in Pids())
        {
            if (Stat(pid) is { } stat)
            {
                stats[pid] = stat;
            }
        }

        var children = stats.ToLookup(s => s.Value.Parent, s => s.Key);
        foreach (var process in processes)
        {
            if (!stats.ContainsKey(process.Pid))
            {
                continue;
            }

            var tree = new List<int>();
            var pending = new Stack<int>([process.Pid]);
            while (pending.TryPop(out var pid))
            {
                tree.Add(pid);
                foreach (var child in children[pid])
                {
                    pending.Push(child);
                }
            }

            long ticks = 0, peak = 0, resident = 0;
            foreach (var pid in tree)
            {
                ticks += stats[pid].Ticks;
                var (hwm, rss) = Memory(pid);
                peak += hwm;
                resident += rss;
            }

            samples[process] = new ProcessSample(tree.Count, ticks / ClockTicksPerSecond, peak, resident);
        }

        return samples;
    }

    /// <summary>CPU between <paramref name="before"/> and <paramref name="after"/>, memory as at the end.</summary>
    public static IReadOnlyList<ProcessUsage> Usage(IReadOnlyList<MeteredProcess> processes,
        IReadOnlyDictionary<MeteredProcess, ProcessSample> before, IReadOnlyDictionary<MeteredProcess, ProcessSample> after)
    {
        ArgumentNullException.ThrowIfNull(processes);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return processes
            .Where(after.ContainsKey)
            .Select(p => new ProcessUsage(p.Label, p.Pid, after[p].Processes,
                after[p].CpuSeconds - (before.TryGetValue(p, out var b) ? b.CpuSeconds : 0), after[p].PeakResidentBytes, after[p].ResidentBytes))
            .ToArray();
    }

    private static IEnumerable<int> Pids()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>Parent and utime + stime from /proc/PID/stat: "pid (comm) state ppid ... utime stime ..." (proc(5)).</summary>
    private static (int Parent, long Ticks)? Stat(int pid)
    {
        if (Read($"/proc/{pid}/stat") is not { } text)
        {
            return null;
        }

        // The command name may hold spaces and parentheses: the fields start after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 12
            ? (int.Parse(fields[1], CultureInfo.InvariantCulture),
                long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>VmHWM and VmRSS in bytes (0 for kernel threads, which have neither).</summary>
    private static (long Peak, long Resident) Memory(int pid)
    {
        long peak = 0, resident = 0;
        foreach (var line in (Read($"/proc/{pid}/status") ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                resident = Kilobytes(line);
            }
        }

        return (peak, resident);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    /// <summary>The file's text, or null when the process is gone or the file is not readable.</summary>
    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
