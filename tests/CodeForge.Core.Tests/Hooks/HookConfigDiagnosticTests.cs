using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

/// <summary>How a hook configuration problem reads to the user.</summary>
public sealed class HookConfigDiagnosticTests
{
    [Fact]
    public void ToString_WithALineAndAKey_ReadsFileLineSeverityKeyAndMessage()
    {
        var d = new HookConfigDiagnostic("/p/settings.json", 7, "hooks.Stop[0]", "missing \"hooks\"");

        Assert.Equal("/p/settings.json:7: error: hooks.Stop[0]: missing \"hooks\"", d.ToString());
    }

    [Fact]
    public void ToString_WithoutALineOrAKey_LeavesThemOut()
    {
        var d = new HookConfigDiagnostic("plugin:lint", 0, "", "cannot read the file", IsError: false);

        Assert.Equal("plugin:lint: warning: cannot read the file", d.ToString());
    }

    [Fact]
    public void ToString_OnTheFirstLine_ShowsLineOne()
    {
        Assert.Equal("f.json:1: error: hooks: bad", new HookConfigDiagnostic("f.json", 1, "hooks", "bad").ToString());
    }
}
