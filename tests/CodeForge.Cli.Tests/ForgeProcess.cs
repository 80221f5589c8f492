using System.Diagnostics;
using CodeForge.Testing.Forge;

namespace CodeForge.Cli.Tests;

/// <summary>Runs the real <c>forge</c> program (the shipped build, <see cref="ForgeBinary"/>) as a child process.</summary>
/// <remarks>Start information, watchdog and process-tree kill are <see cref="ForgeLaunch"/>'s (shared with the
/// concurrency tests); the members here keep the names the Cli tests use. Stateless and thread-safe.</remarks>
internal static class ForgeProcess
{
    /// <inheritdoc cref="ForgeLaunch.Watchdog"/>
    public static readonly TimeSpan Watchdog = ForgeLaunch.Watchdog;

    /// <inheritdoc cref="ForgeLaunch.McpTimeoutMs"/>
    public const string McpTimeoutMs = ForgeLaunch.McpTimeoutMs;

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <inheritdoc cref="ForgeLaunch.ApplyTestDefaults"/>
    internal static void ApplyTestDefaults(ProcessStartInfo psi) => ForgeLaunch.ApplyTestDefaults(psi);

    /// <inheritdoc cref="ForgeLaunch.WithinWatchdogAsync"/>
    internal static Task WithinWatchdogAsync(Process process, Func<CancellationToken, Task> wait, CancellationToken cancellationToken) =>
        ForgeLaunch.WithinWatchdogAsync(process, wait, cancellationToken);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(args, null, null);

    public static async Task<Result> RunAsync(string[] args, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        using var process = Process.Start(ForgeLaunch.StartInfo(args, workingDirectory ?? Environment.CurrentDirectory, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await WithinWatchdogAsync(process, process.WaitForExitAsync, CancellationToken.None);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}

#pragma warning disable VSTHRD003 // the pump and stderr reader are this object's own tasks, started in its constructor
/// <summary>The real <c>forge</c> program running as a child process whose stdout is read line by line while it runs
/// (for tests that act between two of its events).</summary>
internal sealed class LiveForgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];
    private readonly Task _pump;
    private readonly Task<string> _stderr;

    private LiveForgeProcess(Process process)
    {
        _process = process;
        _pump = PumpAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Every stdout line read so far by <see cref="WaitForLineAsync"/>, in order.</summary>
    public IReadOnlyList<string> Lines => _seen;

    public static LiveForgeProcess Start(string[] args, string workingDirectory, IReadOnlyDictionary<string, string> environment) =>
        new(Process.Start(ForgeLaunch.StartInfo(args, workingDirectory, environment))!);

    /// <summary>Reads stdout until a line matches <paramref name="match"/> and returns it (fails if forge exits first).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ForgeProcess.Watchdog);
        while (await _lines.Reader.WaitToReadAsync(timeout.Token))
        {
            while (_lines.Reader.TryRead(out var line))
            {
                _seen.Add(line);
                if (match(line))
                {
                    return line;
                }
            }
        }
        Assert.Fail($"forge exited before the expected line. stdout:\n{string.Join("\n", _seen)}\nstderr:\n{await _stderr}");
        return "";
    }

    /// <summary>Waits for forge to exit; returns its exit code, and every stdout line and its stderr.</summary>
    public async Task<(int ExitCode, IReadOnlyList<string> StdOut, string StdErr)> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await ForgeProcess.WithinWatchdogAsync(_process, _process.WaitForExitAsync, cancellationToken);
        await _pump;
        while (_lines.Reader.TryRead(out var line))
        {
            _seen.Add(line);
        }
        return (_process.ExitCode, _seen, await _stderr);
    }

    public async ValueTask DisposeAsync()
    {
        ForgeLaunch.KillTree(_process);
        await _process.WaitForExitAsync();
        await _pump;
        _process.Dispose();
    }

    private async Task PumpAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            await _lines.Writer.WriteAsync(line);
        }
        _lines.Writer.TryComplete();
    }
}
#pragma warning restore VSTHRD003
