using CodeForge.Core.Shells;
using Microsoft.Extensions.Time.Testing;
using static CodeForge.Core.Tests.Shells.ShellTestSupport;
using CodeForge.Testing.Shells;

namespace CodeForge.Core.Tests.Shells;

public sealed class ShellManagerTests : IDisposable
{
    private static readonly ShellManagerOptions WaitForDrain = new() { OutputDrainTimeout = Timeout.InfiniteTimeSpan };
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-shells-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    // ---- real processes -------------------------------------------------------------------------------------------

    [Fact]
    public async Task CreateAsync_RunsCommandInWorkingDirectoryWithEnvironmentOverrides()
    {
        await using var manager = new ShellManager();
        Environment.SetEnvironmentVariable("FORGE_SHELL_TEST_REMOVED", "inherited");
        try
        {
            var shell = await manager.CreateAsync(
                "pwd; echo \"$FORGE_SHELL_TEST_SET\"; echo \"${FORGE_SHELL_TEST_REMOVED-unset}\"",
                _dir.FullName,
                new Dictionary<string, string?> { ["FORGE_SHELL_TEST_SET"] = "a b=c", ["FORGE_SHELL_TEST_REMOVED"] = null },
                cancellationToken: Ct);

            Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
            Assert.Equal($"{_dir.FullName}\na b=c\nunset\n", shell.GetNewOutput().Text);
            Assert.Equal(0, shell.ExitCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FORGE_SHELL_TEST_REMOVED", null);
        }
    }

    [Fact]
    public async Task CreateAsync_WhenCommandFails_EndsFailedWithItsExitCodeAndStderr()
    {
        await using var manager = new ShellManager();

        var shell = await manager.CreateAsync("echo oops >&2; exit 3", _dir.FullName, cancellationToken: Ct);

        Assert.Equal(ShellStatus.Failed, await shell.WaitForExitAsync(Ct));
        Assert.Equal(3, shell.ExitCode);
        Assert.Equal("\n[stderr]\noops\n", shell.GetNewOutput().Text);
    }

    [Fact]
    public async Task CreateAsync_CommandReadingStdin_SeesEndOfFileInsteadOfHanging()
    {
        await using var manager = new ShellManager();

        var shell = await manager.CreateAsync("cat; echo done", _dir.FullName, cancellationToken: Ct);

        Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
        Assert.Equal("done\n", shell.GetAllOutput().Text);
    }

    [Fact]
    public async Task CreateAsync_WithMissingWorkingDirectory_ThrowsNamingItAndRegistersNothing()
    {
        await using var manager = new ShellManager();
        var missing = Path.Combine(_dir.FullName, "does-not-exist");

        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => manager.CreateAsync("true", missing, cancellationToken: Ct));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, manager.Count);
    }

    [Fact]
    public async Task Kill_OnRunningShell_KillsEveryDescendant()
    {
        await using var manager = new ShellManager();
        var marker = UniqueSleep();
        var shell = await manager.CreateAsync($"sleep {marker} & echo $!; (sleep {marker} & echo $!; wait) & wait", _dir.FullName, cancellationToken: Ct);
        var pids = ParsePids(await ReadLinesAsync(shell, 2, Ct));
        Assert.True(EventuallyTrue(() => pids.All(pid => IsAlive(pid, marker))), "the sleepers should have started"); // exec follows $! closely

        Assert.True(await manager.KillAsync(shell.Id, Ct));

        Assert.Equal(ShellStatus.Killed, shell.Status);
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 0), $"survivors: {string.Join(",", LivingWith(marker))}");
    }

    [Fact]
    public async Task Kill_OnCompletedShellWithDetachedBackgroundChild_KeepsCompletedAndKillsTheChild()
    {
        await using var manager = new ShellManager();
        var marker = UniqueSleep();
        // The child does not hold the pipes, so the shell completes at once while the child lives on in its group.
        var shell = await manager.CreateAsync($"sleep {marker} >/dev/null 2>&1 & echo $!", _dir.FullName, cancellationToken: Ct);
        Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
        var child = ParsePids(await ReadLinesAsync(shell, 1, Ct)).Single();
        Assert.True(EventuallyTrue(() => IsAlive(child, marker)));

        Assert.False(await manager.KillAsync(shell.Id, Ct));

        Assert.Equal(ShellStatus.Completed, shell.Status);
        Assert.True(EventuallyTrue(() => !IsAlive(child, marker)));
    }

    [Fact]
    public async Task Status_WhenBackgroundChildHoldsThePipes_BecomesFinalAfterDrainTimeout()
    {
        await using var manager = new ShellManager(options: new ShellManagerOptions { OutputDrainTimeout = TimeSpan.FromMilliseconds(50) });
        var marker = UniqueSleep();

        var shell = await manager.CreateAsync($"sleep {marker} & echo $!", _dir.FullName, cancellationToken: Ct);

        Assert.Equal(ShellStatus.Completed, await shell.WaitForExitAsync(Ct));
        Assert.False(shell.Stdout.IsCompleted); // the child still holds stdout
        shell.Kill();
        Assert.True(await shell.Stdout.WaitForOutputAsync(shell.Stdout.EndOffset, Ct) is false, "stdout should end once the child is killed");
        Assert.Equal(ShellStatus.Completed, shell.Status);
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 0));
    }

    [Fact]
    public async Task Timeout_OnRealShell_KillsTreeAndEndsTimedOut()
    {
        await using var manager = new ShellManager();
        var marker = UniqueSleep();

        var shell = await manager.CreateAsync($"sleep {marker}", _dir.FullName, timeout: TimeSpan.FromMilliseconds(100), cancellationToken: Ct);

        Assert.Equal(ShellStatus.TimedOut, await shell.WaitForExitAsync(Ct));
        Assert.Equal(137, shell.ExitCode);
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 0));
    }

    [Fact]
    public async Task DisposeAsync_LeavesNoProcessOfAnyShellAlive()
    {
        var manager = new ShellManager();
        var marker = UniqueSleep();
        var running = new List<ShellProcess>();
        for (var i = 0; i < 3; i++)
        {
            running.Add(await manager.CreateAsync($"sleep {marker} & sleep {marker} & echo started; wait", _dir.FullName, cancellationToken: Ct));
        }
        var completed = await manager.CreateAsync($"sleep {marker} >/dev/null 2>&1 &", _dir.FullName, cancellationToken: Ct);
        foreach (var shell in running)
        {
            await ReadLinesAsync(shell, 1, Ct);
        }
        await completed.WaitForExitAsync(Ct);
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 7), $"expected 7 sleepers, saw {LivingWith(marker).Length}");

        await manager.DisposeAsync();

        Assert.All(running, s => Assert.Equal(ShellStatus.Killed, s.Status));
        Assert.Equal(ShellStatus.Completed, completed.Status);
        Assert.Equal(0, manager.Count);
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 0), $"orphans: {string.Join(",", LivingWith(marker))}");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => manager.CreateAsync("true", _dir.FullName, cancellationToken: Ct));
    }

    // ---- scripted processes ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData("", "command")]
    [InlineData("   ", "command")]
    public async Task CreateAsync_WithEmptyCommand_ThrowsNamingTheArgument(string command, string parameter)
    {
        await using var manager = new ShellManager(new ScriptedProcessLauncher());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => manager.CreateAsync(command, _dir.FullName, cancellationToken: Ct));

        Assert.Equal(parameter, error.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("A=B")]
    [InlineData("A\0")]
    public async Task CreateAsync_WithInvalidEnvironmentName_ThrowsExplainingWhy(string name)
    {
        await using var manager = new ShellManager(new ScriptedProcessLauncher());

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            manager.CreateAsync("true", _dir.FullName, new Dictionary<string, string?> { [name] = "x" }, cancellationToken: Ct));

        Assert.Contains("must be non-empty and contain neither '=' nor NUL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t")]
    public async Task CreateAsync_WithABlankWorkingDirectory_ThrowsSayingSoAndStartsNothing(string workingDirectory)
    {
        var launcher = new ScriptedProcessLauncher();
        await using var manager = new ShellManager(launcher);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => manager.CreateAsync("true", workingDirectory, cancellationToken: Ct));

        Assert.Equal("workingDirectory", error.ParamName);
        Assert.StartsWith("The working directory is empty.", error.Message, StringComparison.Ordinal);
        Assert.Empty(launcher.Started);
    }

    [Fact]
    public async Task CreateAsync_WhenAnEnvironmentValueContainsNul_ThrowsNamingTheVariableAndStartsNothing()
    {
        var launcher = new ScriptedProcessLauncher();
        await using var manager = new ShellManager(launcher);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            manager.CreateAsync("true", _dir.FullName, new Dictionary<string, string?> { ["GOOD"] = "x", ["BAD"] = "a\0b" }, cancellationToken: Ct));

        Assert.Equal("environment", error.ParamName);
        Assert.Contains("Environment variable 'BAD' has a value containing NUL.", error.Message, StringComparison.Ordinal);
        Assert.Empty(launcher.Started);
        Assert.Equal(0, manager.Count);
    }

    [Fact]
    public async Task CreateAsync_WithNonPositiveTimeout_Throws()
    {
        await using var manager = new ShellManager(new ScriptedProcessLauncher());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            manager.CreateAsync("true", _dir.FullName, timeout: TimeSpan.Zero, cancellationToken: Ct));
    }

    [Fact]
    public async Task CreateAsync_WhenLauncherFails_ThrowsClearErrorAndRegistersNothing()
    {
        var launcher = new ScriptedProcessLauncher(failWith: _ => new System.ComponentModel.Win32Exception("no such shell"));
        await using var manager = new ShellManager(launcher);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => manager.CreateAsync("echo hi", _dir.FullName, cancellationToken: Ct));

        Assert.Contains("'echo hi'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such shell", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, manager.Count);
    }

    [Fact]
    public async Task CreateAsync_PassesCommandAbsoluteDirectoryAndOverridesToLauncher()
    {
        var launcher = new ScriptedProcessLauncher();
        await using var manager = new ShellManager(launcher);

        await manager.CreateAsync("echo hi", _dir.FullName + "/.", new Dictionary<string, string?> { ["X"] = "1" }, cancellationToken: Ct);

        var spec = launcher.Started.Single().Spec;
        Assert.Equal("echo hi", spec.Command);
        Assert.Equal(_dir.FullName, spec.WorkingDirectory.TrimEnd('/'));
        Assert.Equal("1", spec.Environment["X"]);
    }

    [Fact]
    public async Task CreateAsync_GivesIdsOfTheFormShellAndEightHexDigits()
    {
        await using var manager = new ShellManager(new ScriptedProcessLauncher());

        var shell = await manager.CreateAsync("true", _dir.FullName, cancellationToken: Ct);

        Assert.Matches("^shell_[0-9a-f]{8}$", shell.Id);
        Assert.Same(shell, manager.Get(shell.Id));
    }

    [Fact]
    public async Task CreateAsync_WhenGeneratedIdIsTaken_RetriesWithAnotherId()
    {
        var ids = new Queue<string>(["shell_00000001", "shell_00000001", "shell_00000002"]);
        await using var manager = new ShellManager(new ScriptedProcessLauncher(), null, WaitForDrain, () => ids.Dequeue());

        var first = await manager.CreateAsync("true", _dir.FullName, cancellationToken: Ct);
        var second = await manager.CreateAsync("true", _dir.FullName, cancellationToken: Ct);

        Assert.Equal("shell_00000001", first.Id);
        Assert.Equal("shell_00000002", second.Id);
    }

    [Fact]
    public async Task CreateAsync_WhenTheManagerIsDisposedWhileTheShellIsBeingMade_ThrowsAndStartsNothing()
    {
        // Disposal lands after the creation's own disposal check and before the shell is in the table: disposal's snapshot
        // misses it, so creation must see the disposal itself and abandon the shell rather than start an orphan.
        var launcher = new ScriptedProcessLauncher();
        ShellManager? manager = null;
        var disposal = ValueTask.CompletedTask;
        manager = new ShellManager(launcher, null, WaitForDrain, () =>
        {
            disposal = manager!.DisposeAsync();
            return "shell_00000001";
        });

        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => manager.CreateAsync("true", _dir.FullName, cancellationToken: Ct));
        await disposal;

        Assert.Contains("disposed while the shell was being created", error.Message, StringComparison.Ordinal);
        Assert.Empty(launcher.Started);
        Assert.Null(manager.Get("shell_00000001"));
        Assert.Equal(0, manager.Count);
    }

    [Fact]
    public async Task Get_WithUnknownId_ReturnsNull_AndWithNull_Throws()
    {
        await using var manager = new ShellManager(new ScriptedProcessLauncher());

        Assert.Null(manager.Get("shell_deadbeef"));
        Assert.Throws<ArgumentNullException>(() => manager.Get(null!));
    }

    [Fact]
    public async Task KillAsync_WithUnknownId_ThrowsKeyNotFoundNamingTheId()
    {
        await using var manager = new ShellManager(new ScriptedProcessLauncher());

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => manager.KillAsync("shell_deadbeef", Ct));

        Assert.Contains("shell_deadbeef", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAndListRunning_ReturnSnapshotsInCreationOrder()
    {
        var launcher = new ScriptedProcessLauncher();
        await using var manager = new ShellManager(launcher, null, WaitForDrain);
        var shells = new List<ShellProcess>();
        for (var i = 0; i < 4; i++)
        {
            shells.Add(await manager.CreateAsync($"cmd {i}", _dir.FullName, cancellationToken: Ct));
        }
        launcher.Started[1].Exit(0);
        await shells[1].WaitForExitAsync(Ct);

        Assert.Equal(shells, manager.List());
        Assert.Equal([shells[0], shells[2], shells[3]], manager.ListRunning());
    }

    [Fact]
    public async Task KillAllAsync_KillsOnlyRunningShellsAndCountsThem()
    {
        var launcher = new ScriptedProcessLauncher();
        await using var manager = new ShellManager(launcher, null, WaitForDrain);
        var shells = new List<ShellProcess>();
        for (var i = 0; i < 3; i++)
        {
            shells.Add(await manager.CreateAsync($"cmd {i}", _dir.FullName, cancellationToken: Ct));
        }
        launcher.Started[0].Exit(0);
        await shells[0].WaitForExitAsync(Ct);

        Assert.Equal(2, await manager.KillAllAsync(Ct));

        Assert.Equal([ShellStatus.Completed, ShellStatus.Killed, ShellStatus.Killed], shells.Select(s => s.Status));
        Assert.Equal(0, await manager.KillAllAsync(Ct));
        Assert.Equal(3, manager.Count);
    }

    [Fact]
    public async Task CleanupCompleted_RemovesOnlyFinishedShellsAtLeastMaxAgeOld()
    {
        var time = new FakeTimeProvider();
        var launcher = new ScriptedProcessLauncher();
        await using var manager = new ShellManager(launcher, time, WaitForDrain);
        var old = await manager.CreateAsync("old", _dir.FullName, cancellationToken: Ct);
        var recent = await manager.CreateAsync("recent", _dir.FullName, cancellationToken: Ct);
        var running = await manager.CreateAsync("running", _dir.FullName, cancellationToken: Ct);
        launcher.Started[0].Exit(0);
        await old.WaitForExitAsync(Ct);
        time.Advance(TimeSpan.FromMinutes(10));
        launcher.Started[1].Exit(1);
        await recent.WaitForExitAsync(Ct);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, manager.CleanupCompleted(TimeSpan.FromMinutes(5)));

        Assert.Null(manager.Get(old.Id));
        Assert.Equal([recent, running], manager.List());
        Assert.True(launcher.Started[0].IsDisposed);
        Assert.Equal(1, manager.CleanupCompleted(TimeSpan.Zero));
        Assert.Equal([running], manager.List());
        Assert.Equal(ShellStatus.Running, running.Status);
        Assert.Equal("", old.GetAllOutput().Text); // removed shells stay readable
    }

    [Fact]
    public async Task CleanupCompleted_WithNegativeMaxAge_Throws()
    {
        await using var manager = new ShellManager(new ScriptedProcessLauncher());

        Assert.Throws<ArgumentOutOfRangeException>(() => manager.CleanupCompleted(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Constructor_WithInvalidOptions_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ShellManager(new ScriptedProcessLauncher(), null, new ShellManagerOptions { OutputDrainTimeout = TimeSpan.FromSeconds(-2) }));

        Assert.Equal(nameof(ShellManagerOptions.OutputDrainTimeout), error.ParamName);
    }

    [Fact]
    public async Task Shared_IsOneInstanceUntilReset()
    {
        var first = ShellManager.Shared;
        Assert.Same(first, ShellManager.Shared);

        await ShellManager.ResetSharedAsync();

        Assert.NotSame(first, ShellManager.Shared);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.CreateAsync("true", _dir.FullName, cancellationToken: Ct));
        await ShellManager.ResetSharedAsync();
    }
}
