using CodeForge.Core.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>ShellStatus: which states are final.</summary>
public sealed class ShellStatusTests
{
    [Theory]
    [InlineData(ShellStatus.Pending, false)]
    [InlineData(ShellStatus.Running, false)]
    [InlineData(ShellStatus.Completed, true)]
    [InlineData(ShellStatus.Failed, true)]
    [InlineData(ShellStatus.Killed, true)]
    [InlineData(ShellStatus.TimedOut, true)]
    public void IsFinal_IsTrueFromCompletedOn(ShellStatus status, bool expected)
    {
        Assert.Equal(expected, status.IsFinal());
        Assert.Equal(expected, new ShellState(status, null, null, DateTimeOffset.UnixEpoch, null, null).IsFinal);
    }
}
