using CodeForge.Core.Shells;

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
}
