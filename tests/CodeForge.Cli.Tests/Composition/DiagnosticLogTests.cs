using CodeForge.Cli.Composition;
using CodeForge.Core.Config;

namespace CodeForge.Cli.Tests.Composition;

public sealed class DiagnosticLogTests
{
    [Fact]
    public void Attach_ReturnsTheKeptDiagnosticsAndRendersLaterOnesAsReported()
    {
        var log = new DiagnosticLog();
        log.Warning("first");
        log.Error("second", "/p/x.json", 3);
        var rendered = new List<Diagnostic>();

        var kept = log.Attach(rendered.Add);
        log.Info("third");

        Assert.Equal(["first", "second"], kept.Select(d => d.Message));
        Assert.Equal(("/p/x.json", 3, DiagnosticSeverity.Error), (kept[1].File, kept[1].Line, kept[1].Severity));
        Assert.Equal(["third"], rendered.Select(d => d.Message));
        Assert.Empty(log.Kept);
    }

    [Fact]
    public void Reported_ListsEveryDiagnosticBeforeAndAfterARendererIsAttached()
    {
        var log = new DiagnosticLog();
        log.Error("before", "/p/settings.json", 2);
        log.Attach(_ => { });
        log.Warning("after");

        Assert.Equal(["before", "after"], log.Reported.Select(d => d.Message));
        Assert.Equal(("/p/settings.json", 2), (log.Reported[0].File, log.Reported[0].Line));
    }

    [Fact]
    public void Reported_KeepsOnlyTheFirstDiagnosticsUpToItsLimit()
    {
        var log = DiagnosticLog.ToText(TextWriter.Null);
        for (var i = 0; i <= DiagnosticLog.ReportedLimit; i++)
        {
            log.Info($"n{i}");
        }

        Assert.Equal(DiagnosticLog.ReportedLimit, log.Reported.Count);
        Assert.Equal("n0", log.Reported[0].Message);
    }

    [Fact]
    public void ToText_WritesEachDiagnosticAsAForgeLineAtOnce()
    {
        using var stderr = new StringWriter();
        var log = DiagnosticLog.ToText(stderr);

        log.Error("the model is missing");
        log.Warning("warning: no sandbox");

        Assert.Equal("forge: the model is missing\nforge: warning: no sandbox\n", stderr.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void From_KeepsASettingsProblemsFileLineAndText()
    {
        var problem = new SettingsDiagnostic(new SettingsSource(SettingsScope.Project, "/p/.forge/settings.json"), 4, "", "invalid JSON");

        var d = Diagnostic.From(problem);

        Assert.Equal((DiagnosticSeverity.Error, "/p/.forge/settings.json", 4), (d.Severity, d.File, d.Line));
        Assert.Equal("/p/.forge/settings.json:4: error: invalid JSON", d.Message);
    }
}
