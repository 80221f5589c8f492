using System.Diagnostics;
using System.Globalization;

namespace CodeForge.Core.Background;

/// <summary>Whether a process is alive, and its start time (so that a reused pid is not taken for the original).</summary>
/// <remarks>Stateless; safe from any thread.</remarks>
public static class ProcessProbe
{
    /// <summary>
    /// The start time of <paramref name="pid"/> in clock ticks since boot (Linux <c>/proc/PID/stat</c> field 22), or
    /// null when it is unknown (no such process, or not Linux).
    /// </summary>
    public static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            // The command name (field 2) is in parentheses and may contain spaces: fields 3.. follow the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when <paramref name="pid"/> is running (not a zombie) and, if <paramref name="startTime"/> is given, started
    /// at that time.
    /// </summary>
    public static bool IsAlive(int pid, long? startTime)
    {
        if (pid <= 0)
        {
            return false;
        }
        if (OperatingSystem.IsLinux())
        {
            string stat;
            try
            {
                stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (rest.Length < 20 || rest[0] is "Z" or "X")
            {
                return false;
            }
            return startTime is not { } expected || long.Parse(rest[19], CultureInfo.InvariantCulture) == expected;
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
