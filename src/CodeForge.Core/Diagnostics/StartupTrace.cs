using System.Diagnostics;
using System.Globalization;

namespace CodeForge.Core.Diagnostics;

/// <summary>
/// A start-up phase breakdown for <c>FORGE_TRACE_STARTUP=1</c>: each <see cref="Mark"/> writes one line to stderr with the
/// time since the previous mark and since the process started, e.g.
/// <c>forge: startup    12.4 ms  (+3.1 ms)  settings</c>. Off (one static read per mark, nothing written) otherwise.
/// </summary>
/// <remarks>
/// <para>The "since start" column counts from the process's start time (<c>/proc/self/stat</c> on Linux, so the runtime's
/// own start-up is included), falling back to the first mark.</para>
/// <para>Concurrency contract: <see cref="Mark"/> may be called from any thread; marks are serialised by a lock so each
/// line's "since the previous mark" is consistent, and each line is written whole.</para>
/// </remarks>
public static class StartupTrace
{
    private static readonly Lock Gate = new();
    private static readonly long Origin = Stopwatch.GetTimestamp();
    private static readonly double ProcessAgeAtOrigin = ProcessAgeMs();
    private static long _previous = Origin;

    /// <summary>Whether the trace is on (<c>FORGE_TRACE_STARTUP</c> is <c>1</c> or <c>true</c>), read once.</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("FORGE_TRACE_STARTUP") is "1" or "true";

    /// <summary>Where the lines go (stderr unless a test replaces it).</summary>
    internal static TextWriter Output { get; set; } = Console.Error;

    /// <summary>Records that <paramref name="phase"/> has just finished (a no-op unless <see cref="Enabled"/>).</summary>
    public static void Mark(string phase)
    {
        if (Enabled)
        {
            Write(phase);
        }
    }

    /// <summary>As <see cref="Mark"/>, but only the first time <paramref name="phase"/> is marked in this process (for points
    /// reached again later, such as every model request).</summary>
    public static void MarkOnce(string phase)
    {
        if (Enabled && Once.TryAdd(phase, 0))
        {
            Write(phase);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Once = new(StringComparer.Ordinal);

    /// <summary>Formats one line (internal for tests).</summary>
    internal static string Format(string phase, double sinceStartMs, double sincePreviousMs) =>
        string.Create(CultureInfo.InvariantCulture, $"forge: startup {sinceStartMs,8:F1} ms  (+{sincePreviousMs:F1} ms)  {phase}");

    private static void Write(string phase)
    {
        var now = Stopwatch.GetTimestamp();
        string line;
        lock (Gate)
        {
            var sincePrevious = Stopwatch.GetElapsedTime(_previous, now).TotalMilliseconds;
            _previous = now;
            line = Format(phase, ProcessAgeAtOrigin + Stopwatch.GetElapsedTime(Origin, now).TotalMilliseconds, sincePrevious);
        }
        Output.WriteLine(line);
    }

    // How long the process had been running when this class was initialised (0 when it cannot be read).
    private static double ProcessAgeMs()
    {
        try
        {
            // Field 22 of /proc/self/stat is the start time in clock ticks since boot; /proc/uptime is seconds since boot.
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var startTicks = double.Parse(fields[19], CultureInfo.InvariantCulture);
            var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
            return Math.Max(0, (uptime - (startTicks / 100.0)) * 1000);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return 0;
        }
    }
}
