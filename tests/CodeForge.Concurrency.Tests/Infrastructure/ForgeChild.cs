using System.Diagnostics;
using CodeForge.Testing.Forge;

namespace CodeForge.Concurrency.Tests.Infrastructure;

/// <summary>The real <c>forge</c> program (the shipped build, <see cref="ForgeBinary"/>) as a child process, stdin closed.</summary>
/// <remarks>One test drives one instance; <see cref="Exited"/> may be awaited from any thread. Start information, watchdog
/// and process-tree kill are <see cref="ForgeLaunch"/>'s (shared with the Cli tests' <c>ForgeProcess</c>).</remarks>
internal sealed class ForgeChild : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private ForgeChild(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
        Exited = process.WaitForExitAsync();
    }

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited { get; }

    public static ForgeChild Start(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var process = Process.Start(ForgeLaunch.StartInfo(args, workingDirectory, environment, redirectStandardInput: true))!;
        process.StandardInput.Close();
        return new ForgeChild(process);
    }

    /// <summary>
    /// Waits (at most <see cref="ForgeLaunch.Watchdog"/>, against a hang: on expiry the process tree is killed and the test
    /// fails) for the process to exit; returns its exit code and output.
    /// </summary>
    public async Task<Result> WaitAsync()
    {
        await ForgeLaunch.WithinWatchdogAsync(_process, token => Exited.WaitAsync(token), TestContext.Current.CancellationToken);
        return new Result(_process.ExitCode, await _stdout, await _stderr);
    }

    public void Dispose()
    {
        ForgeLaunch.KillTree(_process);
        _process.Dispose();
    }
}
