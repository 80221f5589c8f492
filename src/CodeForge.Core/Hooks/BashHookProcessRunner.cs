using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace CodeForge.Core.Hooks;

/// <summary>
/// Runs a hook as <c>setsid bash -c command</c> in its own process group, writes the JSON input to its stdin, reads
/// stdout and stderr (keeping at most the limit of each and draining the rest, so a chatty hook never blocks), and at the
/// timeout kills the whole group with one <c>kill(-pgid, SIGKILL)</c>, so children a hook started die with it.
/// </summary>
/// <remarks>
/// Stateless after construction; concurrent calls are independent. Hooks run without a controlling terminal (a new
/// session). The group is killed only while it is known to be this hook's: before the hook's exit and the end of both
/// output streams were all observed (a member still holding a pipe keeps the group, and so its id, alive).
/// </remarks>
public sealed partial class BashHookProcessRunner : IHookProcessRunner
{
    private static readonly string? SetsidPath = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
    private readonly TimeProvider _time;

    public BashHookProcessRunner(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>The shared instance on the system clock.</summary>
    public static BashHookProcessRunner Instance { get; } = new();

    public async Task<HookProcessResult> RunAsync(HookProcessRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var useGroup = SetsidPath is not null && OperatingSystem.IsLinux();
        var info = new ProcessStartInfo(useGroup ? SetsidPath! : "bash")
        {
            WorkingDirectory = request.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        if (useGroup)
        {
            info.ArgumentList.Add("bash");
        }
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(request.Command);
        foreach (var (name, value) in request.Environment)
        {
            info.Environment[name] = value;
        }
        using var process = new Process { StartInfo = info };
        process.Start();
        var pid = process.Id;
        using var timeout = new CancellationTokenSource(request.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var stdout = ReadCappedAsync(process.StandardOutput, request.OutputLimit);
        var stderr = ReadCappedAsync(process.StandardError, request.OutputLimit);
        var stdin = WriteInputAsync(process.StandardInput, request.Stdin, linked.Token);
        var exited = process.WaitForExitAsync(CancellationToken.None);
        var done = Task.WhenAll(new[] { exited, stdout, stderr, stdin });
        var timedOut = false;
        try
        {
            await done.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            Kill(pid, useGroup, process);
            // Killed: the pipes close as the group dies. A member that escaped the group could keep one open, so the
            // wait for the rest is bounded.
            try
            {
                await done.WaitAsync(TimeSpan.FromSeconds(5), _time, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Keep what was read; the readers end when the escapee does.
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
        var (outText, outCut) = stdout.IsCompletedSuccessfully ? await stdout.ConfigureAwait(false) : ("", false);
        var (errText, errCut) = stderr.IsCompletedSuccessfully ? await stderr.ConfigureAwait(false) : ("", false);
        var code = process.HasExited ? process.ExitCode : 137;
        return new HookProcessResult(code, outText, errText, timedOut, outCut || errCut);
    }

    private static void Kill(int pid, bool group, Process process)
    {
        if (group && Native.Kill(-pid, Native.SigKill) == 0)
        {
            return;
        }
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private static async Task WriteInputAsync(StreamWriter stdin, string text, CancellationToken ct)
    {
        try
        {
            await stdin.WriteAsync(text.AsMemory(), ct).ConfigureAwait(false);
            await stdin.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The hook exited or closed its stdin without reading it all: that is its right.
        }
        catch (OperationCanceledException)
        {
            // Timed out while the hook was not reading.
        }
        finally
        {
            try
            {
                stdin.Dispose();
            }
            catch (IOException)
            {
                // Broken pipe on the final flush.
            }
        }
    }

    private static async Task<(string Text, bool Truncated)> ReadCappedAsync(StreamReader reader, int limit)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        var truncated = false;
        int n;
        while ((n = await reader.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            var room = limit - kept.Length;
            if (room > 0)
            {
                kept.Append(buffer, 0, Math.Min(room, n));
            }
            truncated |= n > room;
        }
        return (kept.ToString(), truncated);
    }

    private static partial class Native
    {
        public const int SigKill = 9;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Kill(int pid, int signal);
    }
}
