using System.Globalization;

namespace CodeForge.Core.Shells;

/// <summary>One line of <c>/proc/[pid]/stat</c>, the fields the shell code needs (<c>Command</c> is <c>comm</c>, the name without arguments).</summary>
internal readonly record struct ProcStat(int Pid, char State, int ParentPid, int ProcessGroup, int Session, long StartTicks, string Command)
{
    /// <summary>Zombie or dead: exited, not yet reaped.</summary>
    public bool IsDead => State is 'Z' or 'X' or 'x';
}

/// <summary>Minimal, allocation-light reads of Linux <c>/proc</c>. Stateless; safe to call concurrently.</summary>
internal static class ProcFs
{
    /// <summary>USER_HZ, the unit of <c>starttime</c> in /proc (100 on every mainstream Linux architecture).</summary>
    public const int TicksPerSecond = 100;

    /// <summary>Now, in the clock of <see cref="ProcStat.StartTicks"/> (ticks since boot); 0 if /proc is unreadable.</summary>
    public static long BootTicksNow()
    {
        try
        {
            var text = File.ReadAllText("/proc/uptime");
            var end = text.IndexOf(' ', StringComparison.Ordinal);
            return decimal.TryParse(end < 0 ? text : text[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                ? (long)(seconds * TicksPerSecond)
                : 0;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Reads <c>/proc/[pid]/stat</c>; false if the process does not exist (any more).</summary>
    public static bool TryReadStat(int pid, out ProcStat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        //  priority nice num_threads itrealvalue starttime ..."; comm may contain spaces and parentheses.
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return false;
        }
        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 20
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ppid)
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pgrp)
            || !int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            || !long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }
        stat = new ProcStat(pid, fields[0].Length > 0 ? fields[0][0] : '?', ppid, pgrp, session, start, text[(open + 1)..close]);
        return true;
    }

    /// <summary>Every process visible in /proc right now.</summary>
    public static IEnumerable<ProcStat> All()
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (IOException)
        {
            yield break;
        }
        foreach (var entry in entries)
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryReadStat(pid, out var stat))
            {
                yield return stat;
            }
        }
    }

    /// <summary>The living (non-zombie) members of process group <paramref name="processGroup"/>.</summary>
    public static IReadOnlyList<ProcStat> GroupMembers(int processGroup) =>
        All().Where(s => s.ProcessGroup == processGroup && !s.IsDead).ToList();

    /// <summary>
    /// True if a process of group <paramref name="processGroup"/> (zombies included: they keep the id reserved) started at or
    /// before <paramref name="ticks"/>, which proves the group has existed without interruption since then.
    /// </summary>
    public static bool GroupHasMemberStartedBy(int processGroup, long ticks) =>
        All().Any(s => s.ProcessGroup == processGroup && s.StartTicks <= ticks);
}
