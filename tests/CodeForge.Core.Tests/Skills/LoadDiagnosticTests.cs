using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class LoadDiagnosticTests
{
    [Fact]
    public void ToString_OfAnError_IsFileLineAndMessage() =>
        Assert.Equal("/p/SKILL.md:3: bad thing; skill skipped", LoadDiagnostic.Fail("/p/SKILL.md", 3, "bad thing; skill skipped").ToString());

    [Fact]
    public void ToString_OfAWarning_SaysSo() =>
        Assert.Equal("/p/SKILL.md:7: warning: odd name", LoadDiagnostic.Warn("/p/SKILL.md", 7, "odd name").ToString());

    [Fact]
    public void ToString_WithoutALine_LeavesItOut()
    {
        Assert.Equal("/p/plugin.json: unreadable", LoadDiagnostic.Fail("/p/plugin.json", null, "unreadable").ToString());
        Assert.Equal("/p/plugin.json: warning: odd", LoadDiagnostic.Warn("/p/plugin.json", null, "odd").ToString());
    }

    [Fact]
    public void WarnAndFail_SetTheSeverity()
    {
        Assert.False(LoadDiagnostic.Warn("f", 1, "m").IsError);
        Assert.Equal(LoadSeverity.Warning, LoadDiagnostic.Warn("f", 1, "m").Severity);
        Assert.True(LoadDiagnostic.Fail("f", 1, "m").IsError);
        Assert.Equal(LoadSeverity.Error, LoadDiagnostic.Fail("f", 1, "m").Severity);
        Assert.True(new LoadDiagnostic("f", 1, "m").IsError);
    }
}
