using CodeForge.Core.Shells;
using static CodeForge.Core.Tests.Shells.ShellTestSupport;

namespace CodeForge.Core.Tests.Shells;

public sealed class ProcFsTests
{
    [Fact]
    public void TryReadStat_OfThisProcess_ReadsItsIdsAndAStartTimeBeforeNow()
    {
        Assert.True(ProcFs.TryReadStat(Environment.ProcessId, out var stat));

        Assert.Equal(Environment.ProcessId, stat.Pid);
        Assert.False(stat.IsDead);
        Assert.True(stat.StartTicks > 0 && stat.StartTicks <= ProcFs.BootTicksNow());
    }

    [Fact]
    public void TryReadStat_OfMissingProcess_ReturnsFalse()
    {
        Assert.False(ProcFs.TryReadStat(int.MaxValue, out _));
    }

    [Fact]
    public void GroupHasMemberStartedBy_SeesThisProcessGroupOnlyFromItsStart()
    {
        Assert.True(ProcFs.TryReadStat(Environment.ProcessId, out var self));

        Assert.True(ProcFs.GroupHasMemberStartedBy(self.ProcessGroup, ProcFs.BootTicksNow()));
        Assert.Contains(ProcFs.All(), p => p.Pid == Environment.ProcessId);
    }

    [Fact]
    public async Task GroupHasMemberStartedBy_OfANewGroup_IsFalseBeforeItsFirstMemberStartedAndTrueFromThen()
    {
        // A group of its own (setsid), with one member: older processes elsewhere (init, this test host) must not count.
        using var handle = SystemProcessLauncher.Instance.Start(
            new ProcessLaunchSpec("echo started; exec sleep " + UniqueSleep(), Path.GetTempPath(), new Dictionary<string, string?>()));
        try
        {
            // Once sh runs, setsid has made the process leader of its own group (before, it is still in this one).
            Assert.Equal("started", await new StreamReader(handle.StandardOutput).ReadLineAsync(TestContext.Current.CancellationToken));
            Assert.True(ProcFs.TryReadStat(handle.Pid, out var member));
            Assert.Equal(handle.Pid, member.ProcessGroup);
            Assert.True(member.StartTicks > 0);

            Assert.False(ProcFs.GroupHasMemberStartedBy(member.ProcessGroup, member.StartTicks - 1));
            Assert.True(ProcFs.GroupHasMemberStartedBy(member.ProcessGroup, member.StartTicks));
            Assert.False(ProcFs.GroupHasMemberStartedBy(-1, ProcFs.BootTicksNow()));
        }
        finally
        {
            handle.KillTree();
            await handle.Exited.WaitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task GroupMembers_OfANewGroup_ListsItsLivingMembersOnly()
    {
        var marker = UniqueSleep();
        using var handle = SystemProcessLauncher.Instance.Start(
            new ProcessLaunchSpec($"sleep {marker} & echo $!; exec sleep {marker}", Path.GetTempPath(), new Dictionary<string, string?>()));
        try
        {
            var child = int.Parse(await new StreamReader(handle.StandardOutput).ReadLineAsync(TestContext.Current.CancellationToken) ?? "",
                System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(EventuallyTrue(() => IsAlive(child, marker) && IsAlive(handle.Pid, marker)), "the two sleepers never started");

            var members = ProcFs.GroupMembers(handle.Pid).Select(m => m.Pid).Order().ToArray();

            Assert.Equal(new[] { handle.Pid, child }.Order().ToArray(), members);
        }
        finally
        {
            handle.KillTree();
            await handle.Exited.WaitAsync(TestContext.Current.CancellationToken);
        }
    }
}
