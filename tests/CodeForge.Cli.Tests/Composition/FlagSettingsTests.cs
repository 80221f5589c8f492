using CodeForge.Cli.Composition;
using CodeForge.Cli.Runtime;
using CodeForge.Core.Config;

namespace CodeForge.Cli.Tests.Composition;

public sealed class FlagSettingsTests
{
    private static readonly SettingsSource Flag = new(SettingsScope.CommandLine, "--allowedTools");

    [Fact]
    public void Merge_WithoutSettingsOrDirectories_ReturnsTheCommandLineLayerUnchanged()
    {
        var commandLine = SettingsFragment.Empty with { Model = "sonnet" };

        Assert.Same(commandLine, FlagSettings.Merge(commandLine, new ForgeOptions { WorkingDirectory = "/tmp" }, DiagnosticLog.ToText(TextWriter.Null)));
    }

    [Fact]
    public void Merge_SettingsJson_FillsWhatTheFlagsLeaveUnsetAndAddsDirectories()
    {
        var commandLine = SettingsFragment.Empty with { Model = "opus", Allow = [new RuleEntry("Read", Flag, "[0]")] };
        var options = new ForgeOptions
        {
            WorkingDirectory = "/tmp",
            SettingsFlag = """{"model":"haiku","permissions":{"defaultMode":"plan","allow":["Grep"]},"env":{"A":"1"}}""",
            AddDirectories = ["/srv/data"],
        };

        var merged = FlagSettings.Merge(commandLine, options, DiagnosticLog.ToText(TextWriter.Null));

        Assert.Equal("opus", merged.Model);
        Assert.Equal("plan", merged.DefaultMode);
        Assert.Equal(["Grep", "Read"], merged.Allow.Select(r => r.Text));
        Assert.Equal("1", merged.Env["A"]);
        Assert.Equal(["/srv/data"], merged.AdditionalDirectories);
    }

    [Fact]
    public void Merge_AMissingSettingsFile_IsReportedAndTheRestApplies()
    {
        var stderr = new StringWriter();
        var options = new ForgeOptions { WorkingDirectory = "/tmp", SettingsFlag = "no-such-settings.json", AddDirectories = ["/srv"] };

        var merged = FlagSettings.Merge(SettingsFragment.Empty, options, DiagnosticLog.ToText(stderr));

        Assert.Contains("--settings: no such file: /tmp/no-such-settings.json", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(["/srv"], merged.AdditionalDirectories);
    }
}
