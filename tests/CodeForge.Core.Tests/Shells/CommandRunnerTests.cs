using System.Diagnostics;
using CodeForge.Core.Shells;
using Microsoft.Extensions.Time.Testing;
using static CodeForge.Core.Tests.Shells.ShellTestSupport;
using CodeForge.Testing.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>
/// CommandRunner's end of a run: the output is read to the end whenever every writer of the pipes is gone, however late
/// the pumps get to it, and reading stops after the drain timeout only while a process that left the group holds them.
/// </summary>
public sealed class CommandRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_WhenThePumpsLagFarBehindTheExitAndNoWriterRemains_ReturnsAllTheOutput()
    {
        // A busy machine: the command wrote everything and exited, but the pumps have not been scheduled yet.
        var launcher = new ScriptedProcessLauncher(onStart: process =>
        {
            process.HoldReads();
            process.WriteStdout("line 1\nline 2\n");
            process.Exit(0);
        });
        var time = new FakeTimeProvider();
        var runner = new CommandRunner(launcher, time);

        var run = runner.RunAsync(new CommandRequest("cat main.txt", Path.GetTempPath()) { DrainTimeout = TimeSpan.FromSeconds(2) }, Ct);
        time.Advance(TimeSpan.FromSeconds(30)); // far past the drain timeout: the old deadline would have cut the output here
        Assert.False(run.IsCompleted, "the run ended while the command's output was still unread in the pipe");
        launcher.Started.Single().ResumeReads();
        var result = await run.WaitAsync(Ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("line 1\nline 2\n", result.Output);
    }

    [Fact]
    public async Task RunAsync_WithARealCommandWhosePipesAreClosed_ReadsEverythingItWrote()
    {
        var runner = new CommandRunner();

        // No grace at all: only the certainty that no writer is left keeps the pumps reading after the exit.
        var result = await runner.RunAsync(
            new CommandRequest("seq 1 20000", Path.GetTempPath()) { DrainTimeout = TimeSpan.Zero, MaxOutputChars = 1_000_000 }, Ct);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20000, lines.Length);
        Assert.Equal("20000", lines[^1]);
    }

    [Fact]
    public async Task RunAsync_WhenAJobThatLeftTheProcessGroupStillHoldsThePipe_ReturnsAfterTheDrainTimeoutWithWhatCameBefore()
    {
        var marker = UniqueSleep();
        var runner = new CommandRunner();
        var pidFile = Path.Join(Path.GetTempPath(), $"forge-escaped-{Guid.NewGuid():N}");
        try
        {
            var result = await runner.RunAsync(
                new CommandRequest($"echo before; setsid sleep {marker} & echo $! > {pidFile}", Path.GetTempPath())
                {
                    // The product default: "before" is read by a pump that must get a core before the grace ends,
                    // and a loaded machine can starve it for longer than a short grace (see docs/verification.md).
                    DrainTimeout = TimeSpan.FromSeconds(2),
                },
                Ct);

            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith("before", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile, CancellationToken.None)).Trim(), out var pid))
            {
                try
                {
                    using var escaped = Process.GetProcessById(pid);
                    escaped.Kill();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
            File.Delete(pidFile);
        }
    }
}
