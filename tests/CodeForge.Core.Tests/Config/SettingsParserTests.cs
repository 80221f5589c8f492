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

    [Theory]
    [InlineData("""{"model": 3}""", "error: model: expected a string, found a number; ignored")]
    [InlineData("""{"provider": "acme"}""", "error: provider: unknown value \"acme\"; expected one of openai, anthropic, ollama, openai-compatible")]
    [InlineData("""{"permissions": []}""", "error: permissions: expected an object, found an array; ignored")]
    [InlineData("""{"permissions": {"allow": "Bash"}}""", "error: permissions.allow: expected an array, found a string; ignored")]
    [InlineData("""{"permissions": {"deny": [null]}}""", "error: permissions.deny[0]: expected a permission rule string such as \"Bash(npm test)\", found null; ignored")]
    [InlineData("""{"permissions": {"ask": [" "]}}""", "error: permissions.ask[0]: expected a permission rule string such as \"Bash(npm test)\", found a string; ignored")]
    [InlineData("""{"permissions": {"defaultMode": "yolo"}}""", "error: permissions.defaultMode: unknown permission mode \"yolo\"; expected one of default, acceptEdits, plan, dontAsk, bypassPermissions")]
    [InlineData("""{"permissions": {"additionalDirectories": ["a", ""]}}""", "error: permissions.additionalDirectories[1]: expected a non-empty string, found an empty string; ignored")]
    [InlineData("""{"permissions": {"additionalDirectories": [true]}}""", "error: permissions.additionalDirectories[0]: expected a non-empty string, found a boolean; ignored")]
    [InlineData("""{"permissions": {"disableBypassPermissionsMode": "yes"}}""", "error: permissions.disableBypassPermissionsMode: expected \"disable\", found \"yes\"")]
    [InlineData("""{"permissions": {"allowAll": true}}""", "warning: permissions.allowAll: unknown permissions setting; ignored")]
    [InlineData("""{"env": {"A": 1}}""", "error: env.A: expected a string, found a number; ignored")]
    [InlineData("""{"env": "A=1"}""", "error: env: expected an object, found a string; ignored")]
    [InlineData("""{"enabledPlugins": {"p@m": "yes"}}""", "error: enabledPlugins.p@m: expected true or false, found a string; ignored")]
    [InlineData("""{"enabledPlugins": []}""", "error: enabledPlugins: expected an object, found an array; ignored")]
    [InlineData("""{"hooks": []}""", "error: hooks: expected an object, found an array; ignored")]
    [InlineData("""{"hooks": {"Stop": {}}}""", "error: hooks.Stop: expected an array of matcher groups, found an object; ignored")]
    [InlineData("""{"hooks": {"Stop": [{}, 7]}}""", "error: hooks.Stop[1]: expected an object with \"matcher\" and \"hooks\", found a number; ignored")]
    [InlineData("""{"statusLine": "x"}""", "error: statusLine: expected an object, found a string; ignored")]
    [InlineData("""{"cleanupPeriodDays": -1}""", "error: cleanupPeriodDays: expected a whole number of 0 or more, found -1")]
    [InlineData("""{"cleanupPeriodDays": 1.5}""", "error: cleanupPeriodDays: expected a whole number of 0 or more, found 1.5")]
    [InlineData("""{"maxThinkingTokens": "many"}""", "error: maxThinkingTokens: expected a number, found a string; ignored")]
    [InlineData("""{"alwaysThinkingEnabled": null}""", "error: alwaysThinkingEnabled: expected true or false, found null; ignored")]
    [InlineData("""{"outputStyle": {}}""", "error: outputStyle: expected a string, found an object; ignored")]
    [InlineData("""{"effort": "extreme"}""", "error: effort: unknown value \"extreme\"; expected one of low, medium, high, max, none")]
    public void Parse_WhenAValueHasTheWrongShape_ReportsTheFileLineKeyAndReason(string json, string expected)
    {
        var (_, diagnostics) = SettingsParser.Parse(json, Source);

        var d = Assert.Single(diagnostics);
        Assert.Equal($"/repo/.forge/settings.json:1: {expected}", d.ToString());
        Assert.False(SettingsParser.IsWholeFileProblem(d)); // only this key is dropped, the rest of the file applies
    }

    [Fact]
    public void Parse_WhenTheTopLevelIsAString_SaysWhatItFound()
    {
        var (_, diagnostics) = SettingsParser.Parse("\"settings\"", Source);

        Assert.Equal(
            "/repo/.forge/settings.json: error: expected a JSON object at the top level, found a string; the file was ignored",
            Assert.Single(diagnostics).ToString());
    }

    [Fact]
    public void Parse_WhenTheJsonIsInvalid_GivesTheParsersFirstSentenceAsTheReason()
    {
        var (_, diagnostics) = SettingsParser.Parse("{\n\"model\": \"x\" \"y\"}", Source);

        var d = Assert.Single(diagnostics);
        Assert.StartsWith("/repo/.forge/settings.json:2: error: invalid JSON (", d.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("); the file was ignored", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(". ", d.Message, StringComparison.Ordinal);
        Assert.True(SettingsParser.IsWholeFileProblem(d));
    }

    [Fact]
    public void Parse_AcceptsCommentsAndTrailingCommas()
    {
        var (f, diagnostics) = SettingsParser.Parse("{\n  // the model\n  \"model\": \"m\",\n}", Source);

        Assert.Empty(diagnostics);
        Assert.Equal("m", f.Model);
    }

    [Fact]
    public void Parse_KnownKeysOfClaudeCodeThatForgeIgnores_GiveNoWarning()
    {
        string[] keys =
        [
            "$schema", "apiKeyHelper", "includeCoAuthoredBy", "forceLoginMethod", "spinnerTipsEnabled",
            "enableAllProjectMcpServers", "enabledMcpjsonServers", "disabledMcpjsonServers", "extraKnownMarketplaces",
            "theme", "verbose", "companyAnnouncements", "awsAuthRefresh", "awsCredentialExport", "attribution",
            "skipWebFetchPreflight", "disableAllHooks", "subagentStatusLine", "agent", "trustAllWorkspaces",
        ];
        var json = "{" + string.Join(", ", keys.Select(k => $"\"{k}\": null")) + "}";

        var (_, diagnostics) = SettingsParser.Parse(json, Source);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public void ReadFile_WhenThePathIsADirectory_ReportsThatItCannotBeRead()
    {
        var directory = Directory.CreateTempSubdirectory("forge-settings-dir-");
        try
        {
            var source = new SettingsSource(SettingsScope.Project, directory.FullName);

            var (text, problem) = SettingsParser.ReadFile(source);

            Assert.Null(text);
            Assert.NotNull(problem);
            Assert.StartsWith($"{directory.FullName}: error: cannot read the file: ", problem.ToString(), StringComparison.Ordinal);
            Assert.True(SettingsParser.IsWholeFileProblem(problem));
        }
        finally
        {
            directory.Delete();
        }
    }

    [Fact]
    public void Parse_WhenBypassModeIsDisabled_AcceptsItWithoutAProblem()
    {
        var (f, diagnostics) = SettingsParser.Parse("""{"permissions": {"disableBypassPermissionsMode": "disable"}}""", Source);

        Assert.Empty(diagnostics);
        Assert.True(f.DisableBypassPermissionsMode);
    }

    [Fact]
    public void IsWholeFileProblem_OfNull_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => SettingsParser.IsWholeFileProblem(null!));
    }
}
