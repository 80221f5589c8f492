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
        Assert.Equal(2, LivingWith(marker).Length);

        handle.KillTree();

        Assert.Equal(137, await handle.Exited.WaitAsync(Ct));
        Assert.True(EventuallyTrue(() => LivingWith(marker).Length == 0));
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
}
