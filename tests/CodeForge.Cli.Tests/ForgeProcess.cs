using System.Diagnostics;

namespace CodeForge.Cli.Tests;

/// <summary>Runs the real <c>forge</c> program (the built forge.dll) as a child process.</summary>
internal static class ForgeProcess
{
    /// <summary>
    /// The most a forge run may take before the test fails as hung: a last resort against a hang, far above what a run
    /// takes on a loaded 2-core machine (a run that merely starts slowly must never hit it).
    /// </summary>
    public static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>MCP_TIMEOUT</c> (ms) for forge runs whose test did not set one: MCP servers the test expects to connect get
    /// minutes, not the 30 s default a node server can miss under load. Tests of the timeout itself set their own.
    /// </summary>
    public const string McpTimeoutMs = "300000";

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>Gives forge the test defaults (<see cref="McpTimeoutMs"/>) where the test set nothing.</summary>
    internal static void ApplyTestDefaults(ProcessStartInfo psi)
    {
        if (!psi.Environment.ContainsKey("MCP_TIMEOUT"))
        {
            psi.Environment["MCP_TIMEOUT"] = McpTimeoutMs;
        }
    }

    /// <summary>Fails the test as hung (after killing the process tree) when <paramref name="wait"/> outlives the watchdog.</summary>
    internal static async Task WithinWatchdogAsync(Process process, Func<CancellationToken, Task> wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Watchdog);
        try
        {
            await wait(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
            Assert.Fail($"forge (pid {process.Id}) did not finish within the {Watchdog.TotalMinutes:0}-minute watchdog: hung");
        }
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(args, null, null);

    public static async Task<Result> RunAsync(string[] args, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "forge.dll");
        Assert.True(File.Exists(dll), $"forge.dll not found next to the tests at {dll}");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var key in new[] { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OLLAMA_HOST", "FORGE_PROVIDER", "FORGE_MODEL" })
        {
            psi.Environment.Remove(key);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        ApplyTestDefaults(psi);
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
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

    public static LiveForgeProcess Start(string[] args, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "forge.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var key in new[] { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OLLAMA_HOST", "FORGE_PROVIDER", "FORGE_MODEL" })
        {
            psi.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }
        ForgeProcess.ApplyTestDefaults(psi);
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return new LiveForgeProcess(Process.Start(psi)!);
    }

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
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
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
