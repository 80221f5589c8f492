using System.Text.Json;
using CodeForge.Cli.Composition;
using CodeForge.Cli.Headless;

namespace CodeForge.Cli.Tests.Headless;

public sealed class HeadlessPrinterTests
{
    [Fact]
    public void Diagnostic_InStreamJson_WritesASystemDiagnosticLineAndTheForgeLineOnStderr()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var printer = new HeadlessPrinter(OutputFormat.StreamJson, false, stdout, stderr, "s1", "gpt-4o");

        printer.Diagnostic(Diagnostic.Error("/p/.forge/settings.json:3: error: hooks.Stop: bad", "/p/.forge/settings.json", 3));

        var line = JsonDocument.Parse(stdout.ToString()).RootElement;
        Assert.Equal(("system", "diagnostic", "error"), (line.GetProperty("type").GetString(), line.GetProperty("subtype").GetString(), line.GetProperty("severity").GetString()));
        Assert.Equal(("/p/.forge/settings.json", 3, "s1"), (line.GetProperty("file").GetString(), line.GetProperty("line").GetInt32(), line.GetProperty("session_id").GetString()));
        Assert.Equal("forge: /p/.forge/settings.json:3: error: hooks.Stop: bad\n", stderr.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Diagnostic_InText_WritesOnlyTheForgeLineOnStderr()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var printer = new HeadlessPrinter(OutputFormat.Text, false, stdout, stderr, "s1", "gpt-4o");

        printer.Diagnostic(Diagnostic.Warning("hook: careful"));

        Assert.Equal("", stdout.ToString());
        Assert.Equal("forge: hook: careful\n", stderr.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Start_InStreamJson_ListsTheDiagnosticsAndPluginProblemsInTheInitLine()
    {
        using var stdout = new StringWriter();
        var printer = new HeadlessPrinter(OutputFormat.StreamJson, false, stdout, TextWriter.Null, "s1", "gpt-4o");

        printer.Start("/p", ["Read"], "default", "1.0", null, [Diagnostic.Info("sandbox: bubblewrap")],
            [Diagnostic.Warning("shaky: unknown hook event", "/plugins/shaky/hooks/hooks.json", 3)]);

        var init = JsonDocument.Parse(stdout.ToString()).RootElement;
        var info = Assert.Single(init.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(("info", "sandbox: bubblewrap", false), (info.GetProperty("severity").GetString(), info.GetProperty("message").GetString(), info.TryGetProperty("file", out _)));
        var problem = Assert.Single(init.GetProperty("plugin_problems").EnumerateArray());
        Assert.Equal(("warning", "/plugins/shaky/hooks/hooks.json", 3), (problem.GetProperty("severity").GetString(), problem.GetProperty("file").GetString(), problem.GetProperty("line").GetInt32()));
    }
}
