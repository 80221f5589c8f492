using System.Diagnostics;
using System.Globalization;

namespace CodeForge.Core.Tests.Sessions;

/// <summary>
/// <c>strace</c> attached to the calling OS thread: records the system calls that thread makes between
/// <see cref="Start"/> and <see cref="Stop"/>, for what no API shows (an fsync, the pause between two lock attempts).
/// </summary>
/// <remarks>
/// Not thread-safe: one test, one thread. The code between <see cref="Start"/> and <see cref="Stop"/> must stay on the
/// calling thread (synchronous calls, or tasks that complete synchronously). <see cref="Start"/> returns only once the
/// thread is traced: it reads strace's "attached" line with a blocking read on the traced thread itself, and strace
/// interrupts the thread when it attaches, so that read returns to the thread only after tracing has begun. Skips the
/// test where strace is missing or may not attach (not Linux, no ptrace permission).
/// </remarks>
internal sealed class SystemCallTrace
{
    private readonly Process _strace;
    private readonly string _output;

    private SystemCallTrace(Process strace, string output)
    {
        _strace = strace;
        _output = output;
    }

    /// <summary>
    /// Traces the calling thread's <paramref name="calls"/> (strace's <c>-e trace=</c> list) into a file in
    /// <paramref name="folder"/>; with <paramref name="timed"/>, each line ends with the time spent in the call
    /// (strace's <c>-T</c>: <c>&lt;0.020105&gt;</c>).
    /// </summary>
    public static SystemCallTrace Start(string calls, string folder, bool timed = false)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "strace attaches to a Linux thread");
        var strace = Executable("strace");
        Assert.SkipWhen(strace is null, "strace is not installed: apt-get install strace");
        var thread = new DirectoryInfo("/proc/thread-self").LinkTarget!;
        var tid = thread[(thread.LastIndexOf('/') + 1)..];
        var output = Path.Combine(folder, $"strace-{Guid.NewGuid():N}.txt");
        var info = new ProcessStartInfo(strace!)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-p", tid, "-e", "trace=" + calls, "-o", output })
        {
            info.ArgumentList.Add(argument);
        }
        if (timed)
        {
            info.ArgumentList.Add("-T");
        }
        var process = Process.Start(info)!;
        var said = new List<string>();
        while (process.StandardError.ReadLine() is { } line)
        {
            said.Add(line);
            if (line.Contains(" attached", StringComparison.Ordinal))
            {
                return new SystemCallTrace(process, output);
            }
        }
        process.WaitForExit();
        Assert.Skip("strace could not attach to this thread: " + string.Join(" / ", said));
        return null!;
    }

    /// <summary>Detaches strace (SIGINT, as Ctrl+C) and returns the lines it recorded.</summary>
    public IReadOnlyList<string> Stop()
    {
        using (var kill = Process.Start("kill", ["-INT", _strace.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        _ = _strace.StandardError.ReadToEnd();
        _strace.WaitForExit();
        _strace.Dispose();
        return File.ReadAllLines(_output);
    }

    private static string? Executable(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
