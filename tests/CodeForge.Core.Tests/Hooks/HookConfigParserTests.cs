using CodeForge.Core.Config;
using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

public sealed class HookConfigParserTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-hookcfg-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void ParseDocument_WhenValid_LoadsEveryHandlerWithItsEventMatcherTimeoutAndOrigin()
    {
        var r = HookConfigParser.ParseDocument("""
            {
              "hooks": {
                "PreToolUse": [
                  { "matcher": "Bash", "hooks": [ { "type": "command", "command": "check.sh", "timeout": 30, "if": "Bash(rm *)" } ] },
                  { "hooks": [ { "type": "command", "command": "audit.sh" } ] }
                ],
                "Stop": [ { "matcher": "ignored", "hooks": [ { "type": "command", "command": "done.sh", "statusMessage": "checking" } ] } ]
              }
            }
            """, "settings.json");

        Assert.Empty(r.Diagnostics);
        Assert.Collection(r.Definitions,
            d =>
            {
                Assert.Equal(HookEvent.PreToolUse, d.Event);
                Assert.Equal("Bash", d.Matcher.Text);
                Assert.Equal("check.sh", d.Command);
                Assert.Equal(TimeSpan.FromSeconds(30), d.Timeout);
                Assert.Equal("Bash(rm *)", d.If!.Text);
                Assert.Equal("settings.json hooks.PreToolUse[0].hooks[0]", d.Origin);
            },
            d =>
            {
                Assert.True(d.Matcher.MatchesAll);
                Assert.Null(d.Timeout);
            },
            d =>
            {
                Assert.Equal(HookEvent.Stop, d.Event);
                Assert.Equal("checking", d.StatusMessage);
            });
    }

    [Theory]
    [InlineData("""{"hooks": {"PreToolUze": []}}""", 1, "hooks.PreToolUze", "unknown hook event \"PreToolUze\"")]
    [InlineData("""{"hooks": {"PreToolUse": [{"matcher": "Bash(", "hooks": []}]}}""", 1, "hooks.PreToolUse[0].matcher", "not a valid regular expression")]
    [InlineData("""{"hooks": {"PreToolUse": [{"matcher": 5, "hooks": []}]}}""", 1, "hooks.PreToolUse[0].matcher", "expected a string")]
    [InlineData("""{"hooks": {"PreToolUse": [{"matcher": "Bash"}]}}""", 1, "hooks.PreToolUse[0]", "missing \"hooks\"")]
    [InlineData("""{"hooks": {"PreToolUse": [{"hooks": {"type": "command"}}]}}""", 1, "hooks.PreToolUse[0].hooks", "expected an array of handlers")]
    [InlineData("""{"hooks": {"PreToolUse": [{"hooks": [{"type": "command"}]}]}}""", 1, "hooks.PreToolUse[0].hooks[0].command", "missing \"command\"")]
    [InlineData("""{"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": ""}]}]}}""", 1, "hooks.PreToolUse[0].hooks[0].command", "found an empty string")]
    [InlineData("""{"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": 7}]}]}}""", 1, "hooks.PreToolUse[0].hooks[0].command", "found a number")]
    [InlineData("""{"hooks": {"PreToolUse": [{"hooks": [{"command": "x"}]}]}}""", 1, "hooks.PreToolUse[0].hooks[0].type", "expected \"type\": \"command\"")]
    [InlineData("""{"hooks": {"PreToolUse": [{"hooks": [{"type": "shell", "command": "x"}]}]}}""", 1, "hooks.PreToolUse[0].hooks[0].type", "unknown hook type \"shell\"")]
    [InlineData("""{"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "x", "if": "Bash("}]}]}}""", 1, "hooks.PreToolUse[0].hooks[0].if", "Bash(")]
    [InlineData("""{"hooks": {"PreToolUse": [{"hooks": ["x"]}]}}""", 1, "hooks.PreToolUse[0].hooks[0]", "expected a handler object")]
    [InlineData("""{"hooks": {"PreToolUse": {"matcher": "x"}}}""", 1, "hooks.PreToolUse", "expected an array of matcher groups")]
    [InlineData("""{"hooks": []}""", 1, "hooks", "expected an object mapping event names")]
    public void ParseDocument_WhenSomethingIsWrong_ReportsFileKeyAndWhyAndDropsOnlyThatPart(string json, int line, string key, string why)
    {
        var r = HookConfigParser.ParseDocument(json, "/p/hooks.json");

        var d = Assert.Single(r.Diagnostics);
        Assert.True(d.IsError);
        Assert.Equal("/p/hooks.json", d.Source);
        Assert.Equal(line, d.Line);
        Assert.Equal(key, d.Key);
        Assert.Contains(why, d.Message, StringComparison.Ordinal);
        Assert.Empty(r.Definitions);
    }

    [Theory]
    [InlineData("""{"hooks": {"Stop": [{"matcher": 5, "hooks": []}]}}""", "hooks.Stop[0].matcher", "expected a string such as \"Write|Edit\", found a number; the group is ignored")]
    [InlineData("""{"hooks": {"Stop": [{"matcher": "a(", "hooks": []}]}}""", "hooks.Stop[0].matcher", "; the group is ignored")]
    [InlineData("""{"hooks": {"Stop": [{"matcher": "x"}]}}""", "hooks.Stop[0]", "missing \"hooks\" (the array of handlers); the group is ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": "x"}]}}""", "hooks.Stop[0].hooks", "expected an array of handlers, found a string; the group is ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [3]}]}}""", "hooks.Stop[0].hooks[0]", "expected a handler object such as {\"type\": \"command\", \"command\": \"...\"}, found a number; ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"command": "x"}]}]}}""", "hooks.Stop[0].hooks[0].type", "expected \"type\": \"command\", found nothing; ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": 1, "command": "x"}]}]}}""", "hooks.Stop[0].hooks[0].type", "expected \"type\": \"command\", found a number; ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "shell", "command": "x"}]}]}}""", "hooks.Stop[0].hooks[0].type", "unknown hook type \"shell\"; expected \"command\"; ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command"}]}]}}""", "hooks.Stop[0].hooks[0].command", "missing \"command\"; ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "  "}]}]}}""", "hooks.Stop[0].hooks[0].command", "expected a non-empty command string, found an empty string; ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": true}]}]}}""", "hooks.Stop[0].hooks[0].command", "expected a non-empty command string, found a boolean; ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "args": ["a", 1]}]}]}}""", "hooks.Stop[0].hooks[0].args", "expected an array of strings, found an array; ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "args": "a"}]}]}}""", "hooks.Stop[0].hooks[0].args", "expected an array of strings, found a string; ignored")]
    [InlineData("""{"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "x", "if": 3}]}]}}""", "hooks.PreToolUse[0].hooks[0].if", "expected a permission rule such as \"Bash(rm *)\", found a number; the hook is ignored")]
    [InlineData("""{"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "x", "if": "Bash("}]}]}}""", "hooks.PreToolUse[0].hooks[0].if", "; the hook is ignored")]
    [InlineData("""{"hooks": {"Stop": 5}}""", "hooks.Stop", "expected an array of matcher groups, found a number; ignored")]
    [InlineData("""{"hooks": {"Stop": [7]}}""", "hooks.Stop[0]", "expected an object with \"matcher\" and \"hooks\", found a number; ignored")]
    [InlineData("""{"hooks": 1}""", "hooks", "expected an object mapping event names to matcher groups, found a number; ignored")]
    public void ParseDocument_WhenAPartIsWrong_ReportsTheWholeMessageAndWhatIsDropped(string json, string key, string message)
    {
        var r = HookConfigParser.ParseDocument(json, "f.json");

        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(key, d.Key);
        Assert.True(d.IsError);
        if (message.StartsWith(';'))
        {
            Assert.EndsWith(message, d.Message, StringComparison.Ordinal);
            Assert.True(d.Message.Length > message.Length, "the message also says what is wrong");
        }
        else
        {
            Assert.Equal(message, d.Message);
        }
        Assert.Empty(r.Definitions);
    }

    [Theory]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "timeout": 86401}]}]}}""", "hooks.Stop[0].hooks[0].timeout", "expected a number of seconds greater than 0, found 86401; the default timeout is used")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "timeout": 0}]}]}}""", "hooks.Stop[0].hooks[0].timeout", "expected a number of seconds greater than 0, found 0; the default timeout is used")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "timeout": "5"}]}]}}""", "hooks.Stop[0].hooks[0].timeout", "expected a number of seconds greater than 0, found a string; the default timeout is used")]
    public void ParseDocument_WhenATimeoutIsOutOfRange_KeepsTheHookWithTheDefaultTimeout(string json, string key, string message)
    {
        var r = HookConfigParser.ParseDocument(json, "f.json");

        var d = Assert.Single(r.Diagnostics);
        Assert.Equal((key, message, true), (d.Key, d.Message, d.IsError));
        Assert.Null(Assert.Single(r.Definitions).Timeout);
    }

    [Fact]
    public void ParseDocument_WhenATimeoutIsADayExactly_KeepsIt()
    {
        var r = HookConfigParser.ParseDocument("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "timeout": 86400}]}]}}""", "f.json");

        Assert.Empty(r.Diagnostics);
        Assert.Equal(TimeSpan.FromDays(1), Assert.Single(r.Definitions).Timeout);
    }

    [Theory]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "if": "Bash(rm *)"}]}]}}""", "hooks.Stop[0].hooks[0].if", "\"if\" applies to tool events only, not Stop; ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "async": true}]}]}}""", "hooks.Stop[0].hooks[0].async", "asynchronous hooks are not supported; the hook runs synchronously")]
    public void ParseDocument_WhenAnOptionDoesNotApply_WarnsAndStillLoadsTheHook(string json, string key, string message)
    {
        var r = HookConfigParser.ParseDocument(json, "f.json");

        var d = Assert.Single(r.Diagnostics);
        Assert.Equal((key, message, false), (d.Key, d.Message, d.IsError));
        var hook = Assert.Single(r.Definitions);
        Assert.Null(hook.If);
    }

    [Theory]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "shell": "zsh"}]}]}}""", "only \"bash\" is supported, found \"zsh\"; ignored")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "shell": 1}]}]}}""", "only \"bash\" is supported, found a number; ignored")]
    [InlineData("""{"hooks": {"FileChanged": []}}""", "the FileChanged event is not fired by forge; its hooks are ignored")]
    public void ParseDocument_WhenAFeatureIsNotSupported_WarnsWithTheWholeMessage(string json, string message)
    {
        var d = Assert.Single(HookConfigParser.ParseDocument(json, "f.json").Diagnostics);

        Assert.Equal((message, false), (d.Message, d.IsError));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("prompt")]
    [InlineData("agent")]
    [InlineData("mcp_tool")]
    public void ParseDocument_WhenAHandlerTypeIsClaudeCodesButNotForges_WarnsOnItsTypeKey(string type)
    {
        var r = HookConfigParser.ParseDocument("{\"hooks\": {\"Stop\": [{\"hooks\": [{\"type\": \"" + type + "\", \"command\": \"x\"}]}]}}", "f.json");

        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(("hooks.Stop[0].hooks[0].type", $"\"{type}\" hooks are not supported by forge (only \"command\"); ignored", false), (d.Key, d.Message, d.IsError));
        Assert.Empty(r.Definitions);
    }

    [Fact]
    public void ParseDocument_WhenTheShellIsNotBash_WarnsOnTheShellKey()
    {
        var d = Assert.Single(HookConfigParser.ParseDocument("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "shell": "sh"}]}]}}""", "f.json").Diagnostics);

        Assert.Equal("hooks.Stop[0].hooks[0].shell", d.Key);
    }

    [Fact]
    public void ParseDocument_WhenTheDocumentIsNotAHooksObject_ReportsItOnTheFirstLineWithoutAKey()
    {
        var d = Assert.Single(HookConfigParser.ParseDocument("[]", "f.json").Diagnostics);

        Assert.Equal(("f.json", 1, ""), (d.Source, d.Line, d.Key));
        Assert.Equal("expected an object with a \"hooks\" key, found an array; no hooks loaded", d.Message);
    }

    [Fact]
    public void ParsePluginFile_WhenTheFileIsMissing_LoadsNothingAndSaysNothing()
    {
        var r = HookConfigParser.ParsePluginFile(Path.Combine(_root.FullName, "hooks", "hooks.json"), _root.FullName);

        Assert.Empty(r.Definitions);
        Assert.Empty(r.Diagnostics);
    }

    [Fact]
    public void ParsePluginFile_WhenThePathCannotBeRead_ReportsItWithoutAKeyOrLine()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root.FullName, "hooks.json")).FullName;

        var r = HookConfigParser.ParsePluginFile(directory, _root.FullName);

        var d = Assert.Single(r.Diagnostics);
        Assert.Equal((directory, 0, ""), (d.Source, d.Line, d.Key));
        Assert.StartsWith("cannot read the file: ", d.Message, StringComparison.Ordinal);
        Assert.True(d.Message.Length > "cannot read the file: ".Length);
        Assert.Empty(r.Definitions);
    }

    [Fact]
    public void ParsePluginFile_SubstitutesThePluginRoot()
    {
        var path = Path.Combine(_root.FullName, "hooks.json");
        File.WriteAllText(path, """{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/stop.sh"}]}]}}""");

        var d = Assert.Single(HookConfigParser.ParsePluginFile(path, "/plugins/p").Definitions);

        Assert.Equal("/plugins/p/stop.sh", d.Command);
        Assert.Equal("/plugins/p", d.PluginRoot);
    }

    [Fact]
    public void ParseDocument_WithShellBashAndAsyncFalse_LoadsTheHookSilently()
    {
        var r = HookConfigParser.ParseDocument("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "shell": "bash", "async": false}]}]}}""", "f.json");

        Assert.Empty(r.Diagnostics);
        Assert.Equal("x", Assert.Single(r.Definitions).Command);
    }

    [Fact]
    public void ParseDocument_WithANullMatcher_MatchesEverything()
    {
        var d = Assert.Single(HookConfigParser.ParseDocument("""{"hooks": {"PreToolUse": [{"matcher": null, "hooks": [{"type": "command", "command": "x"}]}]}}""", "f.json").Definitions);

        Assert.True(d.Matcher.MatchesAll);
    }

    [Fact]
    public void ParseDocument_WithExecFormArgs_LeavesSafeWordsUnquotedAndQuotesEmptyOnes()
    {
        var d = Assert.Single(HookConfigParser.ParseDocument("""
            {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "/bin/tool", "args": ["--out=a/b.c,d:e+f@g_h-1", "", "x y"]}]}]}}
            """, "f").Definitions);

        Assert.Equal("/bin/tool --out=a/b.c,d:e+f@g_h-1 '' 'x y'", d.Command);
    }

    [Fact]
    public void ParseDocument_WhenOneHandlerIsBad_StillLoadsItsNeighboursAndReportsTheLine()
    {
        var r = HookConfigParser.ParseDocument("""
            {
              "hooks": {
                "PostToolUse": [
                  { "hooks": [
                      { "type": "command", "command": "good-1" },
                      { "type": "command", "timeout": 5 },
                      { "type": "command", "command": "good-2", "timeout": -1 }
                  ] }
                ]
              }
            }
            """, "f.json");

        Assert.Equal(["good-1", "good-2"], r.Definitions.Select(d => d.Command));
        Assert.Null(r.Definitions[1].Timeout); // a bad timeout falls back to the default
        Assert.Collection(r.Diagnostics,
            d => Assert.Equal((6, "hooks.PostToolUse[0].hooks[1].command"), (d.Line, d.Key)),
            d =>
            {
                Assert.Equal((7, "hooks.PostToolUse[0].hooks[2].timeout"), (d.Line, d.Key));
                Assert.Contains("greater than 0, found -1", d.Message, StringComparison.Ordinal);
            });
    }

    [Theory]
    [InlineData("""{"hooks": {"FileChanged": []}}""", "not fired by forge")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "http", "url": "x"}]}]}}""", "\"http\" hooks are not supported")]
    [InlineData("""{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "shell": "powershell"}]}]}}""", "only \"bash\" is supported")]
    public void ParseDocument_WhenAFeatureIsNotSupported_WarnsAndSkipsIt(string json, string why)
    {
        var r = HookConfigParser.ParseDocument(json, "f.json");
        var d = Assert.Single(r.Diagnostics);
        Assert.False(d.IsError);
        Assert.Contains(why, d.Message, StringComparison.Ordinal);
        Assert.Empty(r.Definitions);
    }

    [Theory]
    [InlineData("{oops", "invalid JSON")]
    [InlineData("[]", "expected an object with a \"hooks\" key")]
    [InlineData("{}", "without it")]
    public void ParseDocument_WhenTheDocumentIsNotAHooksObject_ReportsIt(string json, string why) =>
        Assert.Contains(why, Assert.Single(HookConfigParser.ParseDocument(json, "f.json").Diagnostics).Message, StringComparison.Ordinal);

    [Fact]
    public void ParseDocument_WithAPluginRoot_SubstitutesItAndKeepsPluginsApartWhenDeduplicating()
    {
        const string json = """{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "\"${CLAUDE_PLUGIN_ROOT}\"/bin/check.sh"}]}]}}""";
        var a = Assert.Single(HookConfigParser.ParseDocument(json, "a", "/plugins/a").Definitions);
        var b = Assert.Single(HookConfigParser.ParseDocument(json, "b", "/plugins/b").Definitions);

        Assert.Equal("\"/plugins/a\"/bin/check.sh", a.Command);
        Assert.Equal("/plugins/a", a.PluginRoot);
        Assert.NotEqual(a.DedupKey, b.DedupKey);
    }

    [Fact]
    public void ParseDocument_WithExecFormArgs_QuotesEachWordForBash()
    {
        var d = Assert.Single(HookConfigParser.ParseDocument("""
            {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "/bin/echo", "args": ["it's", "a b", "plain"]}]}]}}
            """, "f").Definitions);
        Assert.Equal("/bin/echo 'it'\\''s' 'a b' plain", d.Command);
    }

    [Fact]
    public void ParseEvents_GivesTheSameHooksAndProblemsAsParsingTheSameObject()
    {
        const string Json = """
            {
              "PreToolUse": [
                { "matcher": "Bash", "hooks": [ { "type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/check.sh", "timeout": 30, "if": "Bash(rm *)" } ] },
                { "matcher": "Bash(", "hooks": [ { "type": "command", "command": "never.sh" } ] },
                { "hooks": [ { "type": "command", "command": "audit.sh", "args": ["a b"] }, { "type": "http", "url": "x" } ] }
              ],
              "Stop": [ { "hooks": [ { "type": "command", "command": "done.sh", "statusMessage": "checking" } ] } ],
              "PreToolUze": [ { "hooks": [ { "type": "command", "command": "typo.sh" } ] } ]
            }
            """;
        using var document = System.Text.Json.JsonDocument.Parse(Json);
        var events = document.RootElement.EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name, System.Collections.Immutable.ImmutableArray.CreateRange(p.Value.EnumerateArray())));

        var direct = HookConfigParser.ParseEvents(events, "/p/hooks/hooks.json", "/p");
        var viaJson = HookConfigParser.Parse(document.RootElement, "/p/hooks/hooks.json", "/p");

        static string Show(HookDefinition d) =>
            $"{d.Event} {d.Matcher.Text} {d.Command} {d.Origin} {d.Timeout} {d.If?.Text} {d.PluginRoot} {d.StatusMessage}";
        Assert.Equal(3, direct.Definitions.Length);
        Assert.Equal(viaJson.Definitions.Select(Show), direct.Definitions.Select(Show));
        Assert.Equal("/p/check.sh", direct.Definitions[0].Command);
        Assert.Equal(3, direct.Diagnostics.Length);
        Assert.Equal(viaJson.Diagnostics, direct.Diagnostics);
    }

    [Fact]
    public void LoadSettings_ReadsEveryLayerLowestFirstAndHonoursDisableAllHooks()
    {
        var home = Directory.CreateDirectory(Path.Combine(_root.FullName, "home")).FullName;
        var project = Directory.CreateDirectory(Path.Combine(_root.FullName, "project")).FullName;
        Write(Path.Combine(home, ".claude", "settings.json"), """{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "user"}]}]}}""");
        Write(Path.Combine(project, ".claude", "settings.json"), """{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "claude-project"}]}]}}""");
        Write(Path.Combine(project, ".forge", "settings.json"), """{"hooks": {"Stop": [{"hooks": [{"type": "command"}]}]}}""");
        Write(Path.Combine(project, ".forge", "settings.local.json"), """{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "local"}]}]}}""");
        var locations = new SettingsLocations(home, project, Path.Combine(_root.FullName, "managed.json"));

        var r = HookConfigParser.LoadSettings(locations);

        Assert.Equal(["user", "claude-project", "local"], r.Definitions.Select(d => d.Command));
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(Path.Combine(project, ".forge", "settings.json"), d.Source);
        Assert.False(r.DisableAllHooks);

        Write(Path.Combine(_root.FullName, "managed.json"), """{"disableAllHooks": true}""");
        Assert.True(HookConfigParser.LoadSettings(locations).DisableAllHooks);
    }

    [Fact]
    public void LoadSettings_WhenAFileIsNotJson_LeavesTheReportToTheSettingsStoreAndReadsTheOthers()
    {
        var home = Directory.CreateDirectory(Path.Combine(_root.FullName, "home")).FullName;
        var project = Directory.CreateDirectory(Path.Combine(_root.FullName, "project")).FullName;
        Write(Path.Combine(home, ".forge", "settings.json"), "{ not json");
        Write(Path.Combine(project, ".forge", "settings.json"), """{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "ok"}]}]}}""");

        var r = HookConfigParser.LoadSettings(new SettingsLocations(home, project, Path.Combine(_root.FullName, "none.json")));

        Assert.Empty(r.Diagnostics);
        Assert.Equal("ok", Assert.Single(r.Definitions).Command);
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
