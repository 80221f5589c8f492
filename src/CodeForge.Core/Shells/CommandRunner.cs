using System.Globalization;
using System.Security.Cryptography;
using System.Text;

// VSTHRD003: the tasks awaited here are this run's own pumps and the process handle's exit task.
#pragma warning disable VSTHRD003

namespace CodeForge.Core.Shells;

/// <summary>One foreground command for <see cref="CommandRunner"/>.</summary>
/// <param name="Command">The bash command line, run with <c>eval</c> so any syntax works.</param>
/// <param name="WorkingDirectory">An existing absolute directory to start in.</param>
public sealed record CommandRequest(string Command, string WorkingDirectory)
{
    /// <summary>After this long the process group is killed. Default 2 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Environment overrides (a null value removes the variable).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The most characters of output returned; more goes to the spill file. Default 30,000.</summary>
    public int MaxOutputChars { get; init; } = 30_000;

    /// <summary>Names a new file for the full output when it exceeds <see cref="MaxOutputChars"/>.</summary>
    public Func<string> SpillPath { get; init; } = () => Path.Combine(Path.GetTempPath(), $"forge-output-{Guid.NewGuid():N}.txt");

    /// <summary>
    /// After the shell exits, how long to wait for its output pipes to close while some process still holds them (a job
    /// that left the process group). Default 2 s. Once no process holds them, the output is read to the end without a
    /// deadline (<see cref="IProcessHandle.OutputWritersRemain"/>).
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>How a foreground command ended.</summary>
/// <param name="ExitCode">The exit code (128 + signal when killed by one); null if the command could not be started.</param>
/// <param name="Output">Standard output and standard error as they were produced (one pipe), cleaned and capped.</param>
/// <param name="TimedOut">The timeout elapsed and the process group was killed.</param>
/// <param name="Cancelled">The caller cancelled and the process group was killed.</param>
/// <param name="Truncated">The output exceeded the cap; <paramref name="OutputFile"/> holds all of it.</param>
/// <param name="OutputFile">The spill file with the full output, when truncated and saved.</param>
/// <param name="TotalOutputChars">Characters of cleaned output in total.</param>
/// <param name="LooksBinary">The output looked like binary data (non-text bytes were dropped).</param>
/// <param name="FinalDirectory">The shell's working directory when the command finished (<c>pwd -P</c>), if it got that far.</param>
/// <param name="StoppedBackgroundProcesses">Processes the command left running in its group were killed after it finished.</param>
/// <param name="Diagnostics">Anything written outside the command's own output (e.g. bubblewrap's errors), or a start failure.</param>
public sealed record CommandRunResult(
    int? ExitCode,
    string Output,
    bool TimedOut,
    bool Cancelled,
    bool Truncated,
    string? OutputFile,
    long TotalOutputChars,
    bool LooksBinary,
    string? FinalDirectory,
    bool StoppedBackgroundProcesses,
    string Diagnostics);

/// <summary>
/// Runs one foreground bash command to completion: in its own process group (through the launcher, so a sandbox applies),
/// standard output and standard error interleaved through one pipe as produced, a timeout and cancellation that kill the
/// whole group, cleaned and capped output, and the final working directory reported on the side channel (the real
/// standard error) so it can carry over to the next command.
/// </summary>
/// <remarks>
/// <para>Thread safety: stateless apart from the launcher and clock; <see cref="RunAsync"/> may run concurrently, each run
/// with its own process, pumps and collector.</para>
/// <para>Nothing outlives a run: when the shell exits, whatever it left running in its process group (background jobs
/// started with <c>&amp;</c>) is killed, and the result says so.</para>
/// </remarks>
public sealed class CommandRunner
{
    /// <summary>Commands longer than this (in UTF-8 bytes) are refused: Linux limits one argument to 128 KiB.</summary>
    public const int MaxCommandBytes = 100_000;

    /// <summary>The side channel keeps this many characters from its start and as many from its end (where the directory
    /// marker is), and says how many it left out between them.</summary>
    private const int StderrHalfCap = 32 * 1024;
    private static readonly TimeSpan DyingPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxDying = TimeSpan.FromSeconds(30);
    private static readonly string? Bash = new[] { "/bin/bash", "/usr/bin/bash" }.FirstOrDefault(File.Exists);

    private readonly IProcessLauncher _launcher;
    private readonly TimeProvider _time;

    /// <summary>Creates a runner over <paramref name="launcher"/> (the real one by default).</summary>
    public CommandRunner(IProcessLauncher? launcher = null, TimeProvider? timeProvider = null)
    {
        _launcher = launcher ?? SystemProcessLauncher.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The launch command line for <paramref name="command"/>: bash evaluating it, then reporting its directory after <paramref name="marker"/>.</summary>
    internal static string BuildLaunchCommand(string command, string marker)
    {
        var script = "__forge_cmd=$1\nshift\n{ eval \"$__forge_cmd\"\n} 2>&1\n__forge_status=$?\n"
            + $"printf '\\n{marker}%s\\n' \"$(pwd -P)\" >&2\nexit $__forge_status\n";
        return "exec " + ShellQuote.Join([Bash ?? "/bin/sh", "-c", script, "bash", command]);
    }

    /// <summary>Runs <paramref name="request"/>; on cancellation kills the process group, then throws.</summary>
    /// <exception cref="ArgumentException">The command is empty, contains NUL or is too long.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (after the group was killed).</exception>
    public async Task<CommandRunResult> RunAsync(CommandRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Command))
        {
            throw new ArgumentException("The command is empty.", nameof(request));
        }
        if (request.Command.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The command contains a NUL character, which a shell command cannot contain.", nameof(request));
        }
        var bytes = Encoding.UTF8.GetByteCount(request.Command);
        if (bytes > MaxCommandBytes)
        {
            throw new ArgumentException(
                $"The command is {bytes} bytes long; the limit is {MaxCommandBytes}. Write the script to a file and run that file instead.",
                nameof(request));
        }
        cancellationToken.ThrowIfCancellationRequested();

        var marker = "__FORGE_CWD_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)) + "__";
        var spec = new ProcessLaunchSpec(BuildLaunchCommand(request.Command, marker), request.WorkingDirectory, request.Environment);
        IProcessHandle handle;
        try
        {
            handle = _launcher.Start(spec);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            return new CommandRunResult(null, "", false, false, false, null, 0, false, null, false, $"The command could not be started: {ex.Message}");
        }

        using (handle)
        {
            using var output = new CappedOutput(request.MaxOutputChars, request.SpillPath);
            var sanitizer = new OutputSanitizer();
            var stderr = new StringBuilder();
            using var stopPumps = new CancellationTokenSource();
            var stdoutPump = Task.Run(() => PumpStdoutAsync(handle.StandardOutput, sanitizer, output, stopPumps.Token), CancellationToken.None);
            var stderrPump = Task.Run(() => PumpStderrAsync(handle.StandardError, stderr, stopPumps.Token), CancellationToken.None);

            var timedOut = 0;
            var cancelled = 0;
            using var timeout = request.Timeout == System.Threading.Timeout.InfiniteTimeSpan
                ? new CancellationTokenSource()
                : new CancellationTokenSource(request.Timeout, _time);
            int exitCode;
            using (timeout.Token.Register(() =>
            {
                Interlocked.Exchange(ref timedOut, 1);
                handle.KillTree();
            }))
            using (cancellationToken.Register(() =>
            {
                Interlocked.Exchange(ref cancelled, 1);
                handle.KillTree();
            }))
            {
                exitCode = await handle.Exited.ConfigureAwait(false);
            }

            var stopped = StopLeftovers(handle);
            var pumps = Task.WhenAll(new[] { stdoutPump, stderrPump });
            // What the group still held was just killed; while a member is dying it may hold the pipes for a moment (on a
            // busy machine, a long one). Wait for the pumps or for the group to be gone, never cut short by a deadline.
            var dying = _time.GetTimestamp();
            while (!pumps.IsCompleted && handle.OutputWritersRemain && handle.GroupAlive && _time.GetElapsedTime(dying) < MaxDying)
            {
                using var cancelPoll = new CancellationTokenSource();
                await Task.WhenAny(new[] { pumps, Task.Delay(DyingPoll, _time, cancelPoll.Token) }).ConfigureAwait(false);
                await cancelPoll.CancelAsync().ConfigureAwait(false);
            }
            if (!pumps.IsCompleted && handle.OutputWritersRemain && request.DrainTimeout > TimeSpan.Zero)
            {
                // Something may still hold the pipes (the killed group dying, or a job that left it): give it the grace.
                using var cancelDelay = new CancellationTokenSource();
                await Task.WhenAny(new[] { pumps, Task.Delay(request.DrainTimeout, _time, cancelDelay.Token) }).ConfigureAwait(false);
                await cancelDelay.CancelAsync().ConfigureAwait(false);
            }
            if (!pumps.IsCompleted && handle.OutputWritersRemain)
            {
                // Something that left the process group still holds the pipe: stop reading.
                await stopPumps.CancelAsync().ConfigureAwait(false);
            }
            // Otherwise every writer is gone: what the command wrote is in the pipes and end of stream is certain, so the
            // output is read to the end however long a busy machine takes to schedule the pumps (no deadline can cut it).
            await pumps.ConfigureAwait(false);

            if (Volatile.Read(ref cancelled) != 0)
            {
                throw new OperationCanceledException("The command was cancelled; its process group was killed.", cancellationToken);
            }
            var (directory, diagnostics) = SplitSideChannel(stderr.ToString(), marker);
            return new CommandRunResult(
                exitCode,
                output.Render(),
                Volatile.Read(ref timedOut) != 0 && exitCode == ShellProcess.KilledExitCode,
                false,
                output.Truncated,
                output.SpillFile,
                output.TotalChars,
                sanitizer.LooksBinary,
                directory,
                stopped,
                diagnostics);
        }
    }

    /// <summary>
    /// Kills what the command left running in its process group; true if there was anything, not counting the launcher's
    /// own helper (<see cref="IProcessHandle.HelperProcessName"/>), which may still be on its way out.
    /// </summary>
    internal static bool StopLeftovers(IProcessHandle handle)
    {
        var helper = handle.HelperProcessName;
        var any = OperatingSystem.IsLinux()
            && ProcFs.GroupMembers(handle.Pid).Any(member => !string.Equals(member.Command, helper, StringComparison.Ordinal));
        handle.KillTree();
        return any;
    }

    private static (string? Directory, string Diagnostics) SplitSideChannel(string stderr, string marker)
    {
        var at = stderr.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return (null, stderr.Trim());
        }
        var end = stderr.IndexOf('\n', at);
        var directory = stderr[(at + marker.Length)..(end < 0 ? stderr.Length : end)];
        var rest = (stderr[..at] + (end < 0 ? "" : stderr[(end + 1)..])).Trim();
        return (directory.Length > 0 ? directory : null, rest);
    }

    private static async Task PumpStdoutAsync(Stream stream, OutputSanitizer sanitizer, CappedOutput output, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var text = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                sanitizer.Feed(buffer.AsSpan(0, read), text);
                Append(output, text);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Stopped, or the pipe broke: the stream ends here.
        }
        sanitizer.Flush(text);
        Append(output, text);
    }

    private static void Append(CappedOutput output, StringBuilder text)
    {
        foreach (var chunk in text.GetChunks())
        {
            output.Append(chunk.Span);
        }
        text.Clear();
    }

    /// <summary>
    /// Reads the side channel into <paramref name="sink"/>: all of it up to twice <see cref="StderrHalfCap"/> characters;
    /// beyond that its first and last <see cref="StderrHalfCap"/> with a note of how much was left out between them, so
    /// the directory marker written last is never cut off however much the launcher wrote before it.
    /// </summary>
    private static async Task PumpStderrAsync(Stream stream, StringBuilder sink, CancellationToken cancellationToken)
    {
        var decoder = new UTF8Encoding(false, false).GetDecoder();
        var buffer = new byte[4096];
        var chars = new char[4096 + 4];
        var tail = new StringBuilder();
        long omitted = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var count = decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
                var head = Math.Min(count, StderrHalfCap - sink.Length);
                sink.Append(chars, 0, head);
                tail.Append(chars, head, count - head);
                if (tail.Length > 2 * StderrHalfCap)
                {
                    var drop = tail.Length - StderrHalfCap;
                    omitted += drop;
                    tail.Remove(0, drop);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Stopped, or the pipe broke.
        }
        if (tail.Length > StderrHalfCap)
        {
            omitted += tail.Length - StderrHalfCap;
            tail.Remove(0, tail.Length - StderrHalfCap);
        }
        if (omitted > 0)
        {
            sink.Append(CultureInfo.InvariantCulture, $"\n... {omitted} characters of the shell's standard error omitted ...\n");
        }
        sink.Append(tail);
    }

    /// <summary>A duration for messages: "2 s", "1.5 s", "120 ms".</summary>
    internal static string Describe(TimeSpan span) =>
        span.TotalSeconds >= 1
            ? span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s"
            : span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
