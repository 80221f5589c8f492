using CodeForge.Core.Shells;
using CodeForge.Testing.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>HelperNamedProcessHandle: the inner handle in every respect but the helper's name.</summary>
public sealed class HelperNamedProcessHandleTests
{
    [Fact]
    public async Task EveryMember_IsTheInnerHandlesButTheHelperName()
    {
        var inner = (ScriptedProcess)new ScriptedProcessLauncher().Start(
            new ProcessLaunchSpec("cmd", Path.GetTempPath(), new Dictionary<string, string?>()));
        IProcessHandle named = new HelperNamedProcessHandle(inner, "bwrap");

        Assert.Equal(inner.Pid, named.Pid);
        Assert.Same(inner.StandardOutput, named.StandardOutput);
        Assert.Same(inner.StandardError, named.StandardError);
        Assert.Same(inner.Exited, named.Exited);
        Assert.Equal("bwrap", named.HelperProcessName);
        Assert.True(named.OutputWritersRemain);
        inner.SetGroupAlive(true);
        Assert.True(named.GroupAlive);
        inner.SetGroupAlive(false);
        Assert.False(named.GroupAlive);

        named.KillTree();

        Assert.Equal(1, inner.KillCount);
        Assert.Equal(ScriptedProcess.KilledExitCode, await named.Exited);
        Assert.False(named.OutputWritersRemain);
        Assert.False(inner.IsDisposed);
        named.Dispose();
        Assert.True(inner.IsDisposed);
    }
}
