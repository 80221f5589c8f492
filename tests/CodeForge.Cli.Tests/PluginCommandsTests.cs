using System.Text.Json;
using CodeForge.Cli.Tests.Composition;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests;

/// <summary><c>forge plugin …</c> through the real process, and an installed plugin's skill used by <c>forge -p</c>.</summary>
public sealed class PluginCommandsTests() : ForgeWorkspaceTestBase("forge-plugin-cli-", repoFolder: "work")
{
    private string Work => Repo;

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_root.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private string GoodPlugin(string dir, string name)
    {
        Write($"{dir}/.claude-plugin/plugin.json", $$"""{ "name": "{{name}}", "version": "0.3.0", "description": "Helps." }""");
        Write($"{dir}/skills/helper/SKILL.md", "---\nname: helper\ndescription: Helps with chores.\n---\nDo chores from ${CLAUDE_PLUGIN_ROOT} with $ARGUMENTS.\n");
        Write($"{dir}/commands/hello.md", "Say hello to $ARGUMENTS.");
        Write($"{dir}/hooks/hooks.json", """{ "hooks": { "Stop": [ { "hooks": [ { "type": "command", "command": "true" } ] } ] } }""");
        return Path.Combine(_root.FullName, dir);
    }

    [Fact]
    public async Task Validate_AGoodPlugin_ExitsZeroAndSummarises()
    {
        var dir = GoodPlugin("good", "good-plugin");

        var run = await ForgeProcess.RunAsync(["plugin", "validate", dir], Work, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("Plugin 'good-plugin' is valid: 1 skill(s), 1 command(s), 0 agent(s), hooks for 1 event(s), 0 MCP server(s).", run.StdOut, StringComparison.Ordinal);
        Assert.Empty(run.StdErr);
    }

    [Fact]
    public async Task ASkillWithoutDescription_IsAWarningInValidateAndDoctor_AndTheSkillLoads()
    {
        var dir = GoodPlugin("nd", "nd-plugin");
        var skill = Write("nd/skills/nodesc/SKILL.md", "---\nname: nodesc\n---\nTidy $ARGUMENTS.\n");
        var warning = $"{skill}:1: warning: no 'description': loaded as a slash command only; the model is not offered it";

        var validate = await ForgeProcess.RunAsync(["plugin", "validate", dir], Work, Env());
        Assert.Equal(0, (await ForgeProcess.RunAsync(["plugin", "install", dir], Work, Env())).ExitCode);
        var doctor = await ForgeProcess.RunAsync(["doctor"], Work, Env());

        Assert.True(validate.ExitCode == 0, validate.StdErr);
        Assert.Contains("Plugin 'nd-plugin' is valid: 2 skill(s)", validate.StdOut, StringComparison.Ordinal);
        Assert.Contains(warning, validate.StdErr, StringComparison.Ordinal);
        Assert.Contains("nodesc/SKILL.md:1: warning: no 'description'", doctor.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ABrokenPlugin_ExitsOneNamingFileAndLine()
    {
        var manifest = Write("bad/.claude-plugin/plugin.json", "{\n  \"name\": \"bad\",\n  \"version\": 1.0.0\n}\n");

        var run = await ForgeProcess.RunAsync(["plugin", "validate", Path.Combine(_root.FullName, "bad")], Work, Env());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"forge: {manifest}:3: invalid JSON in the plugin manifest", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("is not valid", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_APathEscapingTheRoot_ExitsOne()
    {
        var manifest = Write("esc/.claude-plugin/plugin.json", "{\n  \"name\": \"esc\",\n  \"commands\": \"../../etc\"\n}\n");

        var run = await ForgeProcess.RunAsync(["plugin", "validate", Path.Combine(_root.FullName, "esc")], Work, Env());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"forge: {manifest}:3: \"commands\": '../../etc' escapes the plugin root", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallFromAMarketplace_ThenListShowsItEnabled_AndItsSkillIsUsable()
    {
        GoodPlugin("market/plugins/chores", "chores");
        var market = Path.Combine(_root.FullName, "market");
        Write("market/.claude-plugin/marketplace.json", """{ "name": "acme", "owner": { "name": "Acme" }, "plugins": [ { "name": "chores", "source": "./plugins/chores" } ] }""");

        var add = await ForgeProcess.RunAsync(["plugin", "marketplace", "add", market], Work, Env());
        var install = await ForgeProcess.RunAsync(["plugin", "install", "chores@acme"], Work, Env());
        var list = await ForgeProcess.RunAsync(["plugin", "list"], Work, Env());

        Assert.True(add.ExitCode == 0, add.StdErr);
        Assert.True(install.ExitCode == 0, install.StdErr);
        Assert.Contains("Installed chores@acme", install.StdOut, StringComparison.Ordinal);
        Assert.Contains("chores@acme  0.3.0  enabled  Helps.", list.StdOut, StringComparison.Ordinal);
        Assert.Contains("skills: chores:helper", list.StdOut, StringComparison.Ordinal);
        var installedRoot = Path.Combine(Home, ".forge", "plugins", "acme", "chores");
        Assert.True(Directory.Exists(installedRoot));
        using (var settings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Home, ".forge", "settings.json"), TestContext.Current.CancellationToken)))
        {
            Assert.True(settings.RootElement.GetProperty("enabledPlugins").GetProperty("chores@acme").GetBoolean());
        }

        _server.Enqueue(
            ScriptedTurn.CallTool("Skill", JsonSerializer.Serialize(new Dictionary<string, string> { ["skill"] = "chores:helper", ["args"] = "the dishes" }), "call_s"),
            ScriptedTurn.Reply("Dishes done."));
        var run = await ForgeProcess.RunAsync(["-p", "do the dishes", "--provider", "openai"], Work, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("<name>chores:helper</name>", ExtensionHostTests.Text(_server.Requests[0]), StringComparison.Ordinal);
        Assert.Contains($"Do chores from {installedRoot} with the dishes.", ExtensionHostTests.Text(_server.Requests[1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disable_RemovesThePluginFromTheNextRun()
    {
        var dir = GoodPlugin("src/chores", "chores");
        var install = await ForgeProcess.RunAsync(["plugin", "install", dir], Work, Env());
        Assert.True(install.ExitCode == 0, install.StdErr);

        var disable = await ForgeProcess.RunAsync(["plugin", "disable", "chores"], Work, Env());
        var list = await ForgeProcess.RunAsync(["plugin", "list"], Work, Env());
        _server.Enqueue(ScriptedTurn.Reply("ok"));
        var run = await ForgeProcess.RunAsync(["-p", "/chores:hello world", "--provider", "openai"], Work, Env());

        Assert.True(disable.ExitCode == 0, disable.StdErr);
        Assert.Contains("chores@local  0.3.0  disabled", list.StdOut, StringComparison.Ordinal);
        Assert.Contains("no skill or command named '/chores:hello'", run.StdErr, StringComparison.Ordinal);

        var enable = await ForgeProcess.RunAsync(["plugin", "enable", "chores@local"], Work, Env());
        _server.Enqueue(ScriptedTurn.Reply("ok"));
        var again = await ForgeProcess.RunAsync(["-p", "/chores:hello world", "--provider", "openai"], Work, Env());
        Assert.True(enable.ExitCode == 0, enable.StdErr);
        Assert.Contains("Say hello to world.", ExtensionHostTests.Text(_server.Requests[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_ABrokenPluginOrAnUnknownMarketplace_FailsWithAReason()
    {
        Write("broken/.claude-plugin/plugin.json", "{ \"version\": \"1\" }");

        var broken = await ForgeProcess.RunAsync(["plugin", "install", Path.Combine(_root.FullName, "broken")], Work, Env());
        var unknown = await ForgeProcess.RunAsync(["plugin", "install", "x@nowhere"], Work, Env());
        var enable = await ForgeProcess.RunAsync(["plugin", "enable", "ghost"], Work, Env());

        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("missing required field \"name\"", broken.StdErr, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown marketplace 'nowhere'", unknown.StdErr, StringComparison.Ordinal);
        Assert.Equal(1, enable.ExitCode);
        Assert.Contains("no installed plugin named 'ghost'", enable.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokenInstalledPlugin_IsReportedByForgeAndTheOthersLoad()
    {
        var good = GoodPlugin("src/good", "good");
        Assert.Equal(0, (await ForgeProcess.RunAsync(["plugin", "install", good], Work, Env())).ExitCode);
        var badRoot = Path.Combine(Home, ".forge", "plugins", "local", "bad");
        Directory.CreateDirectory(Path.Combine(badRoot, ".claude-plugin"));
        await File.WriteAllTextAsync(Path.Combine(badRoot, ".claude-plugin", "plugin.json"), "{ \"name\": \"bad\", \"hooks\": 7 }", TestContext.Current.CancellationToken);
        Assert.Equal(0, (await ForgeProcess.RunAsync(["plugin", "enable", "bad"], Work, Env())).ExitCode);
        _server.Enqueue(ScriptedTurn.Reply("ok"), ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai"], Work, Env());

        var verbose = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai", "--verbose"], Work, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("forge: 1 plugin has problems (bad): run forge plugin validate <dir>, or add --verbose", run.StdErr.Trim());
        Assert.Contains($"forge: {Path.Combine(badRoot, ".claude-plugin", "plugin.json")}:1: \"hooks\" must be a path", verbose.StdErr, StringComparison.Ordinal);
        Assert.Contains("<name>good:helper</name>", ExtensionHostTests.Text(_server.Requests[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_WithAHundredEnabledPlugins_LoadsThemAllAndKeepsStderrEmpty()
    {
        ManyPlugins.Write(Home, plugins: 100, skills: 200, agents: 200);
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["-p", "/p099:run the target", "--provider", "openai"], Work, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Empty(run.StdErr);
        var prompt = ExtensionHostTests.Text(_server.Requests[0]);
        Assert.Contains("<name>p000:skill-0</name>", prompt, StringComparison.Ordinal);
        Assert.Contains("Run p099 on the target.", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_WithTraceStartup_PrintsTheStartupPhasesInOrderOnStderr()
    {
        ManyPlugins.Write(Home, plugins: 3, skills: 3, agents: 3);
        _server.Enqueue(ScriptedTurn.Reply("ok"));
        var env = Env();
        env["FORGE_TRACE_STARTUP"] = "1";

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai"], Work, env);

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("ok", run.StdOut.Trim());
        var phases = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.StartsWith("forge: startup ", StringComparison.Ordinal) ? l[(l.IndexOf("ms)", StringComparison.Ordinal) + 3)..].Trim() : l)
            .ToList();
        Assert.Equal(["main", "command line parsed", "settings and trust", "model client", "permissions", "plugins read", "skills, commands and plugins",
            "mcp started", "session", "tools", "shells and sandbox", "hooks and git status", "runtime", "first model request", "first model response"], phases);
    }

    [Fact]
    public async Task Print_WithoutTraceStartup_PrintsNoPhases()
    {
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai"], Work, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.DoesNotContain("forge: startup", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_APluginHook_GetsItsDataFolderAsPlaceholderAndEnvironment()
    {
        var dir = GoodPlugin("src/keeper", "keeper");
        Write("src/keeper/hooks/hooks.json", """
            { "hooks": { "UserPromptSubmit": [ { "hooks": [ { "type": "command", "command": "touch \"${CLAUDE_PLUGIN_DATA}/by-placeholder\" \"$CLAUDE_PLUGIN_DATA/by-env\"" } ] } ] } }
            """);
        Assert.Equal(0, (await ForgeProcess.RunAsync(["plugin", "install", dir], Work, Env())).ExitCode);
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai"], Work, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var data = Path.Combine(Home, ".forge", "plugin-data", "keeper-local");
        Assert.True(File.Exists(Path.Combine(data, "by-placeholder")), run.StdErr);
        Assert.True(File.Exists(Path.Combine(data, "by-env")), run.StdErr);
    }

    [Fact]
    public async Task Uninstall_DeletesTheDataFolder_UnlessKeepData()
    {
        Assert.Equal(0, (await ForgeProcess.RunAsync(["plugin", "install", GoodPlugin("src/a", "kept")], Work, Env())).ExitCode);
        Assert.Equal(0, (await ForgeProcess.RunAsync(["plugin", "install", GoodPlugin("src/b", "gone")], Work, Env())).ExitCode);
        var kept = Directory.CreateDirectory(Path.Combine(Home, ".forge", "plugin-data", "kept-local")).FullName;
        var gone = Directory.CreateDirectory(Path.Combine(Home, ".forge", "plugin-data", "gone-local")).FullName;

        var keep = await ForgeProcess.RunAsync(["plugin", "uninstall", "kept", "--keep-data"], Work, Env());
        var drop = await ForgeProcess.RunAsync(["plugin", "uninstall", "gone"], Work, Env());

        Assert.True(keep.ExitCode == 0, keep.StdErr);
        Assert.True(drop.ExitCode == 0, drop.StdErr);
        Assert.True(Directory.Exists(kept));
        Assert.False(Directory.Exists(gone));
    }
}
