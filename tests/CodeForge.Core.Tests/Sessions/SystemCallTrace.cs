using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using CodeForge.Core.Sessions;

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
        var output = Path.Combine(folder, $"strace-{Guid.NewGuid():N}.txt");
        string[] options = timed ? ["-T", "-e", "trace=" + calls] : ["-e", "trace=" + calls];
        return Attach(CurrentThreadId(), options, output);
    }

    /// <summary>
    /// Attaches strace to another thread of this process, <paramref name="tid"/>, with the given strace options (e.g. an
    /// <c>-e inject=</c>). That thread must be blocked in a wait the test ends after this returns: the wait returns to it
    /// only after tracing has begun.
    /// </summary>
    public static SystemCallTrace AttachTo(string tid, string[] options, string folder)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "strace attaches to a Linux thread");
        return Attach(tid, options, Path.Combine(folder, $"strace-{Guid.NewGuid():N}.txt"));
    }

    /// <summary>The calling thread's id in the kernel (what strace's <c>-p</c> and <c>/proc/self/task</c> take).</summary>
    public static string CurrentThreadId()
    {
        var thread = new DirectoryInfo("/proc/thread-self").LinkTarget!;
        return thread[(thread.LastIndexOf('/') + 1)..];
    }

    private static SystemCallTrace Attach(string tid, string[] options, string output)
    {
        var strace = Executable("strace");
        Assert.SkipWhen(strace is null, "strace is not installed: apt-get install strace");
        var info = new ProcessStartInfo(strace!)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in options.Concat(["-p", tid, "-o", output]))
        {
            info.ArgumentList.Add(argument);
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
        Assert.Skip("strace could not attach to the thread: " + string.Join(" / ", said));
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

/// <summary>
/// An append to a <see cref="SessionWriter"/> from a thread of its own, held inside its write (strace delays the
/// <c>pwrite64</c> by ten minutes) until <see cref="Release"/>: meanwhile the append holds the writer's lock, as a slow
/// disk would, but for as long as the test needs and not one moment longer.
/// </summary>
/// <remarks>Not thread-safe: one test drives it. x86-64 and arm64 Linux only (the test is skipped elsewhere).</remarks>
internal sealed class AppendHeldInItsWrite
{
    private readonly SystemCallTrace _strace;

    private AppendHeldInItsWrite(SystemCallTrace strace, Task appended)
    {
        _strace = strace;
        Appended = appended;
    }

    /// <summary>The append: completes once released.</summary>
    public Task Appended { get; }

    /// <summary>Starts the append and returns once its thread is stopped at the entry of its write, holding the lock.</summary>
    public static AppendHeldInItsWrite Start(SessionWriter writer, SessionEntry entry, string folder)
    {
        var pwrite64 = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "18",
            Architecture.Arm64 => "68",
            _ => null,
        };
        Assert.SkipUnless(OperatingSystem.IsLinux() && pwrite64 is not null, "the number of pwrite64 on this machine");
        using var named = new ManualResetEventSlim();
        using var go = new ManualResetEventSlim();
        var tid = "";
        var appended = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            tid = SystemCallTrace.CurrentThreadId();
            named.Set();
            go.Wait();
            // The writer's lock is free, so the append runs synchronously on this thread, through its write.
            appended.SetResult(writer.AppendAsync(entry));
        }) { IsBackground = true };
        thread.Start();
        named.Wait();
        var strace = SystemCallTrace.AttachTo(tid, ["-e", "trace=pwrite64", "-e", "inject=pwrite64:delay_enter=600000000"], folder);
        go.Set();
        // The kernel shows the system call a stopped thread is in: "18 0x…" for pwrite64 on x86-64.
        var syscall = $"/proc/self/task/{tid}/syscall";
        SpinWait.SpinUntil(() => File.ReadAllText(syscall).StartsWith(pwrite64 + " ", StringComparison.Ordinal));
        return new AppendHeldInItsWrite(strace, appended.Task.Unwrap());
    }

    /// <summary>Lets the write go on (strace detaches).</summary>
    public void Release() => _strace.Stop();
}
