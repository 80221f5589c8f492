using System.Text;
using CodeForge.Core.Shells;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using CodeForge.Testing.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>ShellProcess over scripted processes: output decoding, cursors, and the status machine.</summary>
public sealed class ShellProcessTests
{
    private static readonly ShellManagerOptions WaitForDrain = new() { OutputDrainTimeout = Timeout.InfiniteTimeSpan };
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(ShellManager Manager, ShellProcess Shell, ScriptedProcess Process)> StartAsync(
        int maxReadBytes = int.MaxValue, TimeProvider? time = null, TimeSpan? timeout = null, ShellManagerOptions? options = null)
    {
        var launcher = new ScriptedProcessLauncher(maxReadBytes: maxReadBytes);
        var manager = new ShellManager(launcher, time, options ?? WaitForDrain);
        var shell = await manager.CreateAsync("scripted", Path.GetTempPath(), timeout: timeout, cancellationToken: Ct);
        return (manager, shell, launcher.Started.Single());
    }

    [Fact]
    public async Task Output_WhenMultiByteCharsArriveOneByteAtATime_DecodesThemWhole()
    {
        var (manager, shell, process) = await StartAsync(maxReadBytes: 1);
        await using var _ = manager;
        const string text = "héllo 😀 世界\n";

        process.WriteStdout(text);
        process.Exit(0);

        Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
        Assert.Equal(text, shell.GetNewOutput().Stdout.Text);
    }

    [Fact]
    public async Task Output_WithInvalidUtf8_BecomesReplacementCharsAndShellCompletes()
    {
        var (manager, shell, process) = await StartAsync(maxReadBytes: 2);
        await using var _ = manager;

        process.WriteStdout(new byte[] { (byte)'f', 0xFF, (byte)'g', 0xC3 }); // stray byte, then a truncated sequence at EOF
        process.Exit(0);

        Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
        Assert.Equal("f\uFFFDg\uFFFD", shell.GetAllOutput().Stdout.Text);
    }

    [Fact]
    public async Task Status_WhenProcessExitsWithZero_IsCompletedWithExitCodeAndCompletionTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var (manager, shell, process) = await StartAsync(time: time);
        await using var _ = manager;
        Assert.Equal(ShellStatus.Running, shell.Status);
        Assert.Null(shell.CompletedAt);
        time.Advance(TimeSpan.FromSeconds(3));

        process.Exit(0);

        Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
        Assert.Equal(new ShellState(ShellStatus.Completed, process.Pid, 0, time.Start, time.Start, time.GetUtcNow()), shell.State);
        Assert.Equal(TimeSpan.FromSeconds(3), shell.Duration);
    }

    [Fact]
    public async Task Status_WhenProcessExitsNonZero_IsFailedWithThatExitCode()
    {
        var (manager, shell, process) = await StartAsync();
        await using var _ = manager;

        process.Exit(3);

        Assert.Equal(ShellStatus.Failed, await shell.WaitForExitAsync(Ct));
        Assert.Equal(3, shell.ExitCode);
    }

    [Fact]
    public async Task Kill_WhenRunning_KillsTreeAndEndsKilled()
    {
        var (manager, shell, process) = await StartAsync();
        await using var _ = manager;

        Assert.True(shell.Kill());

        Assert.Equal(ShellStatus.Killed, await shell.WaitForExitAsync(Ct));
        Assert.Equal(ScriptedProcess.KilledExitCode, shell.ExitCode);
        Assert.Equal(1, process.KillCount);
        Assert.False(shell.Kill());
    }

    [Fact]
    public async Task Kill_WhenProcessAlreadyCompleted_ReturnsFalseAndKeepsCompleted()
    {
        var (manager, shell, process) = await StartAsync();
        await using var _ = manager;
        process.Exit(0);
        await shell.WaitForExitAsync(Ct);

        var killed = await shell.KillAndWaitAsync(Ct);

        Assert.False(killed);
        Assert.Equal(ShellStatus.Completed, shell.Status);
        Assert.Equal(0, shell.ExitCode);
    }

    [Fact]
    public async Task Kill_WhenProcessExitedByItselfJustBefore_KeepsItsOwnOutcome()
    {
        var (manager, shell, process) = await StartAsync();
        await using var _ = manager;

        process.Exit(0); // the watcher may or may not have seen this exit when the kill comes
        shell.Kill();

        Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
        Assert.Equal(0, shell.ExitCode);
    }

    [Theory]
    [InlineData(null, 0, ShellStatus.Completed)]
    [InlineData(null, 1, ShellStatus.Failed)]
    [InlineData(null, 137, ShellStatus.Failed)] // killed by someone else
    [InlineData(ShellStatus.Killed, 137, ShellStatus.Killed)]
    [InlineData(ShellStatus.Killed, 0, ShellStatus.Completed)] // exited by itself before the signal landed
    [InlineData(ShellStatus.Killed, 2, ShellStatus.Failed)]
    [InlineData(ShellStatus.TimedOut, 137, ShellStatus.TimedOut)]
    [InlineData(ShellStatus.TimedOut, 0, ShellStatus.Completed)]
    public void FinalStatus_DependsOnHowTheProcessActuallyEnded(ShellStatus? requested, int exitCode, ShellStatus expected)
    {
        Assert.Equal(expected, ShellProcess.FinalStatus(requested, exitCode));
    }

    [Fact]
    public async Task Kill_AfterExitIsSeenWhileOutputDrains_DoesNotClaimButEndsStragglers()
    {
        var (manager, shell, process) = await StartAsync();
        await using var _ = manager;
        process.WriteStdout("tail");
        process.Exit(0, keepPipesOpen: true); // a background child still holds the pipes
        await shell.ExitObserved.WaitAsync(Ct);
        Assert.Equal(ShellStatus.Running, shell.Status);

        Assert.False(shell.Kill());

        Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
        Assert.Equal(1, process.KillCount);
        Assert.Equal("tail", shell.GetAllOutput().Stdout.Text);
    }

    [Fact]
    public async Task Status_IsFinalOnlyAfterOutputIsDrained()
    {
        var (manager, shell, process) = await StartAsync();
        await using var _ = manager;
        process.WriteStdout(new string('x', 100_000));
        process.Exit(0);

        await shell.WaitForExitAsync(Ct);

        Assert.Equal(100_000, shell.GetNewOutput().Stdout.Text.Length);
        Assert.True(shell.Stdout.IsCompleted);
    }

    [Fact]
    public async Task Status_WhenPipesStayOpenPastDrainTimeout_BecomesFinalAnyway()
    {
        var time = new TimerSignallingTimeProvider();
        var (manager, shell, process) = await StartAsync(time: time, options: new ShellManagerOptions { OutputDrainTimeout = TimeSpan.FromSeconds(1) });
        await using var _ = manager;

        process.Exit(0, keepPipesOpen: true); // a background child still holds the pipes
        await time.TimerCreated.WaitAsync(Ct); // the watcher saw the exit and started its drain timer
        Assert.False(shell.Completion.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
        Assert.False(shell.Stdout.IsCompleted);
    }

    [Fact]
    public async Task Status_WhenTheDrainTimeoutIsZero_BecomesFinalWithoutWaitingForTheUnreadOutput()
    {
        // Zero means "do not wait for the output", even when every writer is gone and the rest is certain to come.
        var (manager, shell, process) = await StartAsync(options: new ShellManagerOptions { OutputDrainTimeout = TimeSpan.Zero });
        await using var _ = manager;
        process.HoldReads(); // the pumps are not scheduled
        process.WriteStdout("late\n");
        process.Exit(0);
        try
        {
            // A bound on a hang (the status must come while the reads are held), not a timing expectation.
            Assert.Equal(ShellStatus.Completed, await shell.Completion.WaitAsync(TimeSpan.FromMinutes(1), Ct));
            Assert.False(shell.Stdout.IsCompleted, "the status waited for the pumps");
        }
        finally
        {
            process.ResumeReads();
        }
        // The output is still read into the buffer afterwards.
        Assert.True(await shell.Stdout.WaitForOutputAsync(0, Ct));
        Assert.Equal("late\n", await ReadStdoutToEndAsync(shell));
    }

    private static async Task<string> ReadStdoutToEndAsync(ShellProcess shell)
    {
        while (!shell.Stdout.IsCompleted)
        {
            await shell.Stdout.WaitForOutputAsync(shell.Stdout.EndOffset, Ct);
        }
        return shell.Stdout.ReadAll();
    }

    private sealed class TimerSignallingTimeProvider : FakeTimeProvider
    {
        private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => _created.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _created.TrySetResult();
            return timer;
        }
    }

    [Fact]
    public async Task Timeout_WhenItElapses_KillsTreeAndEndsTimedOut()
    {
        var time = new FakeTimeProvider();
        var (manager, shell, process) = await StartAsync(time: time, timeout: TimeSpan.FromSeconds(5));
        await using var _ = manager;

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, process.KillCount);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(ShellStatus.TimedOut, await shell.WaitForExitAsync(Ct));
        Assert.Equal(1, process.KillCount);
        Assert.False(shell.Kill());
        Assert.Equal(ShellStatus.TimedOut, shell.Status);
    }

    [Fact]
    public async Task Timeout_WhenProcessFinishesFirst_NeverFires()
    {
        var time = new FakeTimeProvider();
        var (manager, shell, process) = await StartAsync(time: time, timeout: TimeSpan.FromSeconds(5));
        await using var _ = manager;
        process.Exit(0);
        await shell.WaitForExitAsync(Ct);

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(ShellStatus.Completed, shell.Status);
        Assert.Equal(0, process.KillCount);
    }

    [Fact]
    public async Task OpenReader_EachReaderSeesAllOutputExactlyOnce()
    {
        var (manager, shell, process) = await StartAsync();
        await using var _ = manager;
        var early = shell.OpenReader();
        var seenEarly = new StringBuilder();
        process.WriteStdout("one\n");
        await shell.Stdout.WaitForOutputAsync(0, Ct);
        seenEarly.Append(early.Read().Stdout.Text);
        var late = shell.OpenReader();
        process.WriteStdout("two\n");
        process.Exit(0);
        await shell.WaitForExitAsync(Ct);

        seenEarly.Append(early.Read().Stdout.Text);
        var seenLate = late.Read().Stdout.Text;

        Assert.Equal("one\ntwo\n", seenEarly.ToString());
        Assert.Equal("one\ntwo\n", seenLate);
        Assert.True(early.Read().IsEmpty);
    }

    [Fact]
    public async Task GetNewOutput_UsesOneSharedCursorAndAppendsStderrLikeTheOriginal()
    {
        var (manager, shell, process) = await StartAsync();
        await using var _ = manager;
        process.WriteStdout("out\n");
        process.WriteStderr("err\n");
        process.Exit(1);
        await shell.WaitForExitAsync(Ct);

        var first = shell.GetNewOutput();
        var second = shell.GetNewOutput();

        Assert.Equal("out\n\n[stderr]\nerr\n", first.Text);
        Assert.True(second.IsEmpty);
        Assert.Equal(4, second.Stdout.Start);
        Assert.Equal("out\n\n[stderr]\nerr\n", shell.GetAllOutput().Text);
    }

    [Fact]
    public async Task WaitForExitAsync_WhenCanceled_ThrowsWithoutChangingStatus()
    {
        var (manager, shell, _) = await StartAsync();
        await using var __ = manager;
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => shell.WaitForExitAsync(cts.Token));
        Assert.Equal(ShellStatus.Running, shell.Status);
    }

    [Fact]
    public async Task DisposeAsync_KillsRunningProcessAndFreesHandle()
    {
        var (manager, shell, process) = await StartAsync();
        await using var _ = manager;

        await shell.DisposeAsync();

        Assert.Equal(ShellStatus.Killed, shell.Status);
        Assert.True(process.IsDisposed);
    }

    private enum Op
    {
        Write,
        ExitZero,
        ExitOne,
        Kill,
        Timeout,
    }

    /// <summary>
    /// Model-based: random sequences of output, exits, kills and timeouts against the status machine's specification: the
    /// first of exit / kill / timeout decides the final status; later ones change nothing; Kill returns true only when it
    /// decides; the output is everything written.
    /// </summary>
    [Fact]
    public Task StatusAndOutput_MatchASequentialModel()
    {
        return Gen.Enum<Op>().Array[1, 12].SampleAsync(RunModelAsync, iter: 300);
    }

    private static async Task RunModelAsync(Op[] ops)
    {
        var time = new FakeTimeProvider();
        var (manager, shell, process) = await StartAsync(time: time, timeout: TimeSpan.FromSeconds(1));
        await using var _ = manager;
        ShellStatus? expected = null;
        var written = new StringBuilder();
        for (var i = 0; i < ops.Length; i++)
        {
            switch (ops[i])
            {
                case Op.Write when expected is null:
                    written.Append(Piece(i));
                    process.WriteStdout(Piece(i));
                    break;
                case Op.ExitZero or Op.ExitOne:
                    process.Exit(ops[i] == Op.ExitZero ? 0 : 1);
                    expected ??= ops[i] == Op.ExitZero ? ShellStatus.Completed : ShellStatus.Failed;
                    await shell.WaitForExitAsync(Ct);
                    break;
                case Op.Kill:
                    Assert.Equal(expected is null, shell.Kill());
                    expected ??= ShellStatus.Killed;
                    await shell.WaitForExitAsync(Ct);
                    break;
                case Op.Timeout:
                    time.Advance(TimeSpan.FromSeconds(1));
                    expected ??= ShellStatus.TimedOut;
                    await shell.WaitForExitAsync(Ct);
                    break;
            }
            Assert.Equal(expected ?? ShellStatus.Running, shell.Status);
        }
        if (expected is null)
        {
            process.Exit(0);
            await shell.WaitForExitAsync(Ct);
        }
        Assert.Equal(written.ToString(), shell.GetAllOutput().Stdout.Text);
    }

    private static string Piece(int i) => $"w{i};";
}
