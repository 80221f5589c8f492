using CodeForge.Core.Shells;
using static CodeForge.Core.Tests.Shells.ShellTestSupport;

namespace CodeForge.Core.Tests.Shells;

public sealed class SystemProcessLauncherTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProcessLaunchSpec Spec(string command) =>
        new(command, Path.GetTempPath(), new Dictionary<string, string?>());

    [Fact]
    public async Task Start_WithProcessGroup_MakesTheShellLeaderOfItsOwnGroupAndSession()
    {
        var launcher = new SystemProcessLauncher(useProcessGroup: true);
        Assert.True(launcher.UsesProcessGroup, "setsid is expected on this machine");
        using var handle = launcher.Start(Spec("echo $$; exec sleep " + UniqueSleep()));
        var pidText = await new StreamReader(handle.StandardOutput).ReadLineAsync(Ct);

        Assert.Equal(handle.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), pidText);
        Assert.True(ProcFs.TryReadStat(handle.Pid, out var stat));
        Assert.Equal(handle.Pid, stat.ProcessGroup);
        Assert.Equal(handle.Pid, stat.Session);

        handle.KillTree();
        Assert.Equal(137, await handle.Exited.WaitAsync(Ct));
    }

    [Fact]
    public async Task KillTree_WithoutProcessGroup_KillsDescendantsByTreeWalk()
    {
        var launcher = new SystemProcessLauncher(useProcessGroup: false);
        var marker = UniqueSleep();
        using var handle = launcher.Start(Spec($"sleep {marker} & sleep {marker} & echo started; wait"));
        Assert.Equal("started", await new StreamReader(handle.StandardOutput).ReadLineAsync(Ct));
        // "started" can come before the forked children have exec'd sleep: wait for both to be sleeping.
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 2), $"expected 2 sleepers, saw {LivingWith(marker).Length}");

        handle.KillTree();

        Assert.Equal(137, await handle.Exited.WaitAsync(Ct));
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 0));
    }

    [Fact]
    public async Task KillTree_AfterTheShellExited_KillsTheJobItLeftBehindInItsGroup()
    {
        // A non-interactive sh keeps a background job in its own group; the job outlives the shell, whose pid is then
        // gone, so only a kill of the group (not of the shell's pid) reaches it.
        var launcher = new SystemProcessLauncher(useProcessGroup: true);
        var marker = UniqueSleep();
        using var handle = launcher.Start(Spec($"sleep {marker} > /dev/null 2>&1 & echo started"));
        Assert.Equal("started", await new StreamReader(handle.StandardOutput).ReadLineAsync(Ct));
        Assert.Equal(0, await handle.Exited.WaitAsync(Ct));
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 1), "the job never started sleeping");

        handle.KillTree();

        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 0), $"the job outlived KillTree: {string.Join(", ", LivingWith(marker))}");
    }

    [Fact]
    public async Task KillTree_AfterExitWithNothingLeft_DoesNothingAndDoesNotThrow()
    {
        var launcher = SystemProcessLauncher.Instance;
        using var handle = launcher.Start(Spec("exit 4"));
        Assert.Equal(4, await handle.Exited.WaitAsync(Ct));

        handle.KillTree();
        handle.KillTree();
        handle.Dispose();
        handle.KillTree();
    }

    [Fact]
    public async Task OutputWritersRemain_WhileAJobThatLeftTheGroupHoldsThePipes_IsTrueAndTurnsFalseWhenItExits()
    {
        var fifo = Path.Join(Path.GetTempPath(), $"forge-fifo-{Guid.NewGuid():N}");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(Ct);
            Assert.Equal(0, mkfifo.ExitCode);
        }
        try
        {
            var launcher = new SystemProcessLauncher(useProcessGroup: true);
            // The job leaves the group (setsid) holding stdout and stderr, says so, and ends when a line comes through
            // the fifo. Its "left" proves setsid() is done: until then it is still in the shell's group, and the KillTree
            // below would kill it, leaving the fifo without a reader.
            using var handle = launcher.Start(Spec($"setsid sh -c 'echo left; read line < {fifo}' & echo started"));
            var stdout = new StreamReader(handle.StandardOutput);
            string?[] lines = [await stdout.ReadLineAsync(Ct), await stdout.ReadLineAsync(Ct)];
            Assert.Equal(["left", "started"], lines.Order(StringComparer.Ordinal));
            Assert.Equal(0, await handle.Exited.WaitAsync(Ct));
            handle.KillTree(); // kills nothing: the job is in a group of its own

            Assert.True(handle.OutputWritersRemain);

            // The job reads it and exits, closing the pipes. Opening a fifo for writing blocks until a reader opens it,
            // so the open runs on a pool thread with a watchdog: a test that fails, not one that hangs.
            await Task.Run(() => File.WriteAllText(fifo, "go\n"), Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
            Assert.Equal("", await stdout.ReadToEndAsync(Ct)); // end of stream: no writer is left
            Assert.False(handle.OutputWritersRemain);
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public async Task OutputWritersRemain_AfterACommandExitedAndNothingHoldsItsPipes_IsFalseBeforeAnythingWasRead()
    {
        using var handle = new SystemProcessLauncher(useProcessGroup: true).Start(Spec("echo unread; echo unread >&2"));

        Assert.Equal(0, await handle.Exited.WaitAsync(Ct));

        // The output is still in the pipes, unread, and yet end of stream is certain.
        Assert.False(handle.OutputWritersRemain);
        Assert.Equal("unread\n", await new StreamReader(handle.StandardOutput).ReadToEndAsync(Ct));
    }
    [Theory]
    [InlineData("exec >&-; echo ready >&2; sleep 300", false)]
    [InlineData("exec 2>&-; echo ready; sleep 300", true)]
    public async Task OutputWritersRemain_WhileOnlyOneOfThePipesStillHasAWriter_IsTrue(string command, bool readyOnStdout)
    {
        using var handle = new SystemProcessLauncher(useProcessGroup: true).Start(Spec(command));
        try
        {
            // "ready" comes after the other pipe's only write end was closed (the shell's), while sleep holds this one.
            var reader = new StreamReader(readyOnStdout ? handle.StandardOutput : handle.StandardError);
            Assert.Equal("ready", await reader.ReadLineAsync(Ct));

            Assert.True(handle.OutputWritersRemain);
        }
        finally
        {
            handle.KillTree();
        }
    }
}
