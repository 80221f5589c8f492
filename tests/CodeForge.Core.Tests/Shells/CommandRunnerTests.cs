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
    public async Task RunAsync_WhileAKilledMemberOfTheGroupIsStillDying_WaitsForItPastTheDrainTimeout()
    {
        // bubblewrap's init holds the pipes for a moment after the command's exit was reported; on a loaded machine that
        // moment can outlast the drain timeout, which must not cut the output.
        var launcher = new ScriptedProcessLauncher(onStart: process =>
        {
            process.HoldReads();
            process.WriteStdout("all of it\n");
            process.SetGroupAlive(true);
            process.Exit(0, keepPipesOpen: true);
        });
        var time = new FakeTimeProvider();
        var runner = new CommandRunner(launcher, time);

        var run = runner.RunAsync(new CommandRequest("cat main.txt", Path.GetTempPath()) { DrainTimeout = TimeSpan.FromSeconds(2) }, Ct);
        var process = launcher.Started.Single();
        Assert.True(await process.GroupAliveChecks.WaitAsync(TimeSpan.FromMinutes(1), Ct), "the runner never asked whether the group was alive");
        time.Advance(TimeSpan.FromSeconds(5)); // past the drain timeout, while the group is still dying
        // The runner looked again after the clock moved (a hang guard bounds the wait, not a timing expectation).
        Assert.True(await process.GroupAliveChecks.WaitAsync(TimeSpan.FromMinutes(1), Ct), "the runner stopped asking whether the group was alive");
        Assert.False(run.IsCompleted, "the run ended while a dying member of the group still held the pipes");
        process.ResumeReads();
        process.SetGroupAlive(false);
        process.ClosePipes();
        var result = await run.WaitAsync(Ct);

        Assert.Equal("all of it\n", result.Output);
    }

    [Fact]
    public async Task RunAsync_WhenOnlyTheLaunchersHelperIsLeftInTheGroup_DoesNotReportLeftoversButStillStopsIt()
    {
        var launcher = new HelperNamingLauncher("sleep");
        var runner = new CommandRunner(launcher);

        var marker = UniqueSleep();

        var result = await runner.RunAsync(new CommandRequest(SleepInBackground(marker), Path.GetTempPath()), Ct);

        Assert.Equal("started\n", result.Output);
        Assert.False(result.StoppedBackgroundProcesses, "the launcher's own helper was reported as a process the command left running");
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 0), "the helper was left running");
    }

    [Fact]
    public async Task RunAsync_WhenTheCommandLeavesAnotherProgramRunning_ReportsItEvenIfTheLauncherHasAHelper()
    {
        var launcher = new HelperNamingLauncher("bwrap");
        var runner = new CommandRunner(launcher);

        var marker = UniqueSleep();

        var result = await runner.RunAsync(new CommandRequest(SleepInBackground(marker), Path.GetTempPath()), Ct);

        Assert.True(result.StoppedBackgroundProcesses);
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 0), "the program the command left running was not stopped");
    }

    /// <summary>
    /// Starts <c>sleep</c> in the background and returns once the forked shell has become <c>sleep</c> (until its exec, the
    /// job is a copy of bash, a leftover under another name).
    /// </summary>
    private static string SleepInBackground(string marker) =>
        $"sleep {marker} & until [ \"$(cat /proc/$!/comm 2>/dev/null)\" = sleep ]; do :; done; echo started";

    /// <summary>The real launcher, whose handles name <paramref name="helper"/> as the launcher's own helper process.</summary>
    private sealed class HelperNamingLauncher(string helper) : IProcessLauncher
    {
        public IProcessHandle Start(ProcessLaunchSpec spec) => new HelperNamedProcessHandle(SystemProcessLauncher.Instance.Start(spec), helper);
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

    [Fact]
    public async Task RunAsync_WhenTheLauncherWritesInvalidUtf8ToStandardError_ReportsItWithReplacementChars()
    {
        // As bubblewrap's errors reach the side channel: the runner's own stderr, outside the command's output.
        var runner = new CommandRunner(new StderrPrefixLauncher(@"printf 'bad \377\376 bytes\n' >&2"));

        var result = await runner.RunAsync(new CommandRequest("echo fine", Path.GetTempPath()), Ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("fine\n", result.Output);
        Assert.Equal("bad \uFFFD\uFFFD bytes", result.Diagnostics);
        Assert.NotNull(result.FinalDirectory); // the marker after the bad bytes was still found
    }

    [Fact]
    public async Task RunAsync_WhenStandardErrorExceedsItsCap_KeepsItsFirstAndLast32KiBiCharsAndSaysHowManyWereLeftOut()
    {
        // Reads of 1000 bytes: the head's end (32,768) falls inside the 33rd read, which must be split, not appended whole.
        var launcher = new ScriptedProcessLauncher(
            onStart: process =>
            {
                process.WriteStderr(new string('h', 40_000) + new string('t', 40_000));
                process.Exit(0);
            },
            maxReadBytes: 1000);
        var runner = new CommandRunner(launcher);

        var result = await runner.RunAsync(new CommandRequest("noisy", Path.GetTempPath()), Ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            new string('h', 32 * 1024) + "\n... 14464 characters of the shell's standard error omitted ...\n" + new string('t', 32 * 1024),
            result.Diagnostics);
    }

    [Fact]
    public async Task RunAsync_WhenStandardErrorIsUnderTwiceTheHalfCap_KeepsAllOfIt()
    {
        var launcher = new ScriptedProcessLauncher(
            onStart: process =>
            {
                process.WriteStderr(new string('e', 64 * 1024));
                process.Exit(0);
            },
            maxReadBytes: 1000);

        var result = await new CommandRunner(launcher).RunAsync(new CommandRequest("noisy", Path.GetTempPath()), Ct);

        Assert.Equal(new string('e', 64 * 1024), result.Diagnostics);
    }

    [Fact]
    public async Task RunAsync_WhenTheLauncherWritesMoreThanTheCapToStandardError_StillFindsTheFinalDirectory()
    {
        // The directory marker is written last; a cap that kept only the start lost it, and with it the cd carried over.
        var runner = new CommandRunner(new StderrPrefixLauncher("head -c 100000 /dev/zero | tr '\\0' x >&2"));
        var start = Directory.CreateTempSubdirectory("forge-runner-");
        try
        {
            var result = await runner.RunAsync(new CommandRequest("mkdir -p sub && cd sub", start.FullName), Ct);

            Assert.Equal(0, result.ExitCode);
            Assert.EndsWith("/sub", result.FinalDirectory, StringComparison.Ordinal);
            Assert.StartsWith(new string('x', 32 * 1024) + "\n... ", result.Diagnostics, StringComparison.Ordinal);
            Assert.Contains(" characters of the shell's standard error omitted ...\nxxx", result.Diagnostics, StringComparison.Ordinal);
            Assert.EndsWith("xxx", result.Diagnostics, StringComparison.Ordinal);
            Assert.DoesNotContain("__FORGE_CWD_", result.Diagnostics, StringComparison.Ordinal);
        }
        finally
        {
            start.Delete(recursive: true);
        }
    }

    [Fact]
    public void CommandRequest_DefaultSpillPath_NamesANewTextFileInTheTempFolderEachTime()
    {
        var request = new CommandRequest("true", Path.GetTempPath());

        var first = request.SpillPath();
        var second = request.SpillPath();

        Assert.Equal(Path.GetFullPath(Path.GetTempPath()).TrimEnd('/'), Path.GetDirectoryName(first));
        Assert.Matches("^forge-output-[0-9a-f]{32}\\.txt$", Path.GetFileName(first));
        Assert.NotEqual(first, second);
    }

    /// <summary>The real launcher, whose command line first runs <paramref name="prefix"/> (writing to the real stderr).</summary>
    private sealed class StderrPrefixLauncher(string prefix) : IProcessLauncher
    {
        public IProcessHandle Start(ProcessLaunchSpec spec) => SystemProcessLauncher.Instance.Start(spec with { Command = prefix + "; " + spec.Command });
    }

    [Fact]
    public async Task RunAsync_ReportsTheDirectoryTheCommandEndedIn()
    {
        var runner = new CommandRunner();
        var start = Directory.CreateTempSubdirectory("forge-runner-");
        try
        {
            var result = await runner.RunAsync(new CommandRequest("mkdir -p 'in here' && cd 'in here' && pwd -P", start.FullName), Ct);

            Assert.Equal(0, result.ExitCode);
            Assert.EndsWith("/in here", result.FinalDirectory, StringComparison.Ordinal);
            Assert.Equal(result.Output.TrimEnd('\n'), result.FinalDirectory);
            Assert.Equal("", result.Diagnostics);
        }
        finally
        {
            start.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_WhenTheCommandIsNotFound_ReportsItUnderTheShellsNameWithExitCode127()
    {
        // The shell's own messages name it as in a terminal ("bash: line 1: …"): the script runs with $0 set to "bash".
        var runner = new CommandRunner();

        var result = await runner.RunAsync(new CommandRequest("forge-no-such-command-xyz", Path.GetTempPath()), Ct);

        Assert.Equal(127, result.ExitCode);
        Assert.StartsWith("bash: ", result.Output, StringComparison.Ordinal);
        Assert.Contains("forge-no-such-command-xyz: ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WhenTheCommandItselfExitsWithTheKilledCode_DoesNotReportATimeout()
    {
        // 137 is also what a timed-out (SIGKILLed) command exits with; only a timeout that fired makes it one.
        var runner = new CommandRunner();

        var result = await runner.RunAsync(new CommandRequest("(exit 137)", Path.GetTempPath()), Ct);

        Assert.Equal(137, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.False(result.Cancelled);
    }

    [Fact]
    public async Task RunAsync_WhenTheLauncherWritesToStandardErrorAroundTheCommand_ReportsBothAndTheDirectory()
    {
        var runner = new CommandRunner(new StderrAroundLauncher("printf 'before\\n' >&2", "printf 'after\\n' >&2"));

        var result = await runner.RunAsync(new CommandRequest("cd / && (exit 3)", Path.GetTempPath()), Ct);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("/", result.FinalDirectory);
        Assert.Equal("before\n\nafter", result.Diagnostics); // the blank line is the side channel's own, before its marker
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t\n")]
    public async Task RunAsync_WithAnEmptyCommand_ThrowsSayingSo(string command)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>("request", () => new CommandRunner(new ScriptedProcessLauncher()).RunAsync(new CommandRequest(command, Path.GetTempPath()), Ct));

        Assert.StartsWith("The command is empty.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WithANulInTheCommand_ThrowsSayingSo()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>("request", () => new CommandRunner(new ScriptedProcessLauncher()).RunAsync(new CommandRequest("echo a\0b", Path.GetTempPath()), Ct));

        Assert.StartsWith("The command contains a NUL character, which a shell command cannot contain.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WithACommandOverTheByteLimit_ThrowsNamingBothLengths()
    {
        var launcher = new ScriptedProcessLauncher(onStart: process => process.Exit(0));
        var runner = new CommandRunner(launcher);
        var longest = "#" + new string('é', (CommandRunner.MaxCommandBytes - 1) / 2); // 99,999 bytes: accepted

        await runner.RunAsync(new CommandRequest(longest + "x", Path.GetTempPath()), Ct); // exactly the limit
        var error = await Assert.ThrowsAsync<ArgumentException>("request", () => runner.RunAsync(new CommandRequest(longest + "é", Path.GetTempPath()), Ct));

        Assert.StartsWith("The command is 100001 bytes long; the limit is 100000. Write the script to a file and run that file instead.", error.Message, StringComparison.Ordinal);
        Assert.Single(launcher.Started);
    }

    [Fact]
    public async Task RunAsync_WhenTheLauncherCannotStart_ReturnsNoExitCodeAndSaysWhy()
    {
        var runner = new CommandRunner(new ScriptedProcessLauncher(failWith: _ => new IOException("no shell here")));

        var result = await runner.RunAsync(new CommandRequest("true", Path.GetTempPath()), Ct);

        Assert.Null(result.ExitCode);
        Assert.Equal("The command could not be started: no shell here", result.Diagnostics);
        Assert.Equal("", result.Output);
    }

    /// <summary>The real launcher, whose command line writes to the real stderr before and after the command.</summary>
    private sealed class StderrAroundLauncher(string before, string after) : IProcessLauncher
    {
        public IProcessHandle Start(ProcessLaunchSpec spec)
        {
            Assert.StartsWith("exec ", spec.Command, StringComparison.Ordinal);
            var command = $"{before}; {spec.Command["exec ".Length..]}; status=$?; {after}; exit $status";
            return SystemProcessLauncher.Instance.Start(spec with { Command = command });
        }
    }
}
