using CodeForge.Core.Config;

namespace CodeForge.Core.Tests.Config;

public sealed class SettingsParserTests
{
    private static readonly SettingsSource Source = new(SettingsScope.Project, "/repo/.forge/settings.json");

    [Fact]
    public void Parse_WhenFileIsClaudeCodeShaped_ReadsEveryKnownKey()
    {
        var (f, diagnostics) = SettingsParser.Parse("""
            {
              // comments and trailing commas are tolerated
              "model": "sonnet",
              "permissions": {
                "allow": ["Bash(npm run *)", "Read(./src/**)"],
                "deny": ["Read(./.env)"],
                "ask": ["Bash(git push *)"],
                "defaultMode": "acceptEdits",
                "additionalDirectories": ["../docs"],
              },
              "env": { "FOO": "bar" },
              "enabledPlugins": { "fmt@market": true },
              "hooks": { "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "true" } ] } ] },
              "cleanupPeriodDays": 7
            }
            """, Source);

        Assert.Empty(diagnostics);
        Assert.Equal("sonnet", f.Model);
        Assert.Equal(["Bash(npm run *)", "Read(./src/**)"], f.Allow.Select(r => r.Text));
        Assert.Equal("permissions.allow[1]", f.Allow[1].Location);
        Assert.Equal(Source, f.Deny[0].Source);
        Assert.Equal("acceptEdits", f.DefaultMode);
        Assert.Equal(["../docs"], f.AdditionalDirectories);
        Assert.Equal("bar", f.Env["FOO"]);
        Assert.True(f.EnabledPlugins["fmt@market"]);
        Assert.Single(f.Hooks["PreToolUse"]);
        Assert.Equal(7, f.CleanupPeriodDays);
    }

    [Fact]
    public void Parse_ReadsTheReasoningKeys()
    {
        var (f, diagnostics) = SettingsParser.Parse("""{ "effort": "high", "maxThinkingTokens": 16000, "alwaysThinkingEnabled": false }""", Source);

        Assert.Empty(diagnostics);
        Assert.Equal(("high", 16_000, false), (f.Effort, f.MaxThinkingTokens, f.AlwaysThinkingEnabled));
    }

    [Fact]
    public void Parse_WhenAReasoningKeyIsWrong_ReportsItAndIgnoresIt()
    {
        var (f, diagnostics) = SettingsParser.Parse("""{ "effort": "extreme", "maxThinkingTokens": -1, "alwaysThinkingEnabled": "yes" }""", Source);

        Assert.Equal(["alwaysThinkingEnabled", "effort", "maxThinkingTokens"], diagnostics.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.All(diagnostics, d => Assert.True(d.IsError));
        Assert.Contains(diagnostics, d => d.Message.Contains("low, medium, high, max, none", StringComparison.Ordinal));
        Assert.Equal((null, null, null), (f.Effort, f.MaxThinkingTokens, f.AlwaysThinkingEnabled));
    }

    [Fact]
    public void Parse_ReadsTheOutputStyleAndOpenAIApiKeys()
    {
        var (f, diagnostics) = SettingsParser.Parse("""{ "outputStyle": "Explanatory", "openaiApi": "responses" }""", Source);

        Assert.Empty(diagnostics);
        Assert.Equal(("Explanatory", "responses"), (f.OutputStyle, f.OpenAIApi));
    }

    [Fact]
    public void Parse_WhenOutputStyleOrOpenAIApiIsWrong_ReportsItAndIgnoresIt()
    {
        var (f, diagnostics) = SettingsParser.Parse("""{ "outputStyle": 3, "openaiApi": "soap" }""", Source);

        Assert.Equal(["openaiApi", "outputStyle"], diagnostics.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.Contains(diagnostics, d => d.Message.Contains("responses, chat, auto", StringComparison.Ordinal));
        Assert.Equal((null, null), (f.OutputStyle, f.OpenAIApi));
    }

    [Fact]
    public void Parse_WhenJsonIsInvalid_ReportsTheFileAndLineAndIgnoresTheFile()
    {
        var (f, diagnostics) = SettingsParser.Parse("{\n  \"model\": \"x\",\n  \"permissions\": {\n}", Source);

        var d = Assert.Single(diagnostics);
        Assert.True(d.IsError);
        Assert.Equal(4, d.Line);
        Assert.Contains("/repo/.forge/settings.json:4", d.ToString(), StringComparison.Ordinal);
        Assert.Contains("invalid JSON", d.Message, StringComparison.Ordinal);
        Assert.Null(f.Model);
    }

    [Fact]
    public void Parse_WhenOneValueIsWrong_ReportsItsKeyAndLineAndKeepsTheRest()
    {
        var (f, diagnostics) = SettingsParser.Parse("""
            {
              "model": "gpt",
              "permissions": {
                "defaultMode": "yolo",
                "allow": ["Bash(ls *)", 42]
              }
            }
            """, Source);

        Assert.Equal("gpt", f.Model);
        Assert.Equal(["Bash(ls *)"], f.Allow.Select(r => r.Text));
        Assert.Null(f.DefaultMode);
        var mode = Assert.Single(diagnostics, d => d.Key == "permissions.defaultMode");
        Assert.Equal(4, mode.Line);
        Assert.Contains("yolo", mode.Message, StringComparison.Ordinal);
        var rule = Assert.Single(diagnostics, d => d.Key == "permissions.allow[1]");
        Assert.Equal(5, rule.Line);
    }

    [Fact]
    public void Parse_WhenKeyIsUnknown_WarnsAndIgnoresIt()
    {
        var (_, diagnostics) = SettingsParser.Parse("{\"modle\": \"x\"}", Source);

        var d = Assert.Single(diagnostics);
        Assert.False(d.IsError);
        Assert.Equal("modle", d.Key);
    }

    [Fact]
    public void Parse_WhenTopLevelIsNotAnObject_ReportsIt()
    {
        var (_, diagnostics) = SettingsParser.Parse("[1, 2]", Source);

        Assert.Contains("top level", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenModeIsManual_TreatsItAsDefault()
    {
        var (f, diagnostics) = SettingsParser.Parse("{\"permissions\": {\"defaultMode\": \"manual\"}}", Source);

        Assert.Empty(diagnostics);
        Assert.Equal("default", f.DefaultMode);
    }

    [Fact]
    public void ParseFile_WhenFileIsMissing_ReturnsAnEmptyFragmentWithoutDiagnostics()
    {
        var (f, diagnostics) = SettingsParser.ParseFile(new SettingsSource(SettingsScope.User, "/nonexistent/settings.json"));

        Assert.Same(SettingsFragment.Empty, f);
        Assert.Empty(diagnostics);
    }
}
