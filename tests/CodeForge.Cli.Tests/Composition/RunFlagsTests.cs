using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Composition;

/// <summary>
/// The run flags the Agent SDK passes, honoured by the runtime in every headless mode: the real forge (<c>forge -p</c>,
/// text output) against the fake model server: <c>--fallback-model</c>, <c>--agent</c>, <c>--plugin-dir</c> and
/// <c>--strict-mcp-config</c>.
/// </summary>
public sealed class RunFlagsTests() : ForgeWorkspaceTestBase("forge-runflags-")
{
    /// <remarks>This class's MCP servers only touch a marker file and exit (servers that fail), so forge gets a 60 s
    /// start-up bound instead of the tests' 5 minutes: a .NET runtime race can leave a start to that bound when the
    /// server exits at once (McpServerConnection.CreateBoundedAsync), and 5 minutes would meet the run's watchdog.</remarks>
    private Task<ForgeProcess.Result> ForgeAsync(params string[] args) =>
        ForgeProcess.RunAsync(["-p", .. args], Repo, Env(("FORGE_PROVIDER", "openai"), ("FORGE_MODEL", "gpt-4o"), ("MCP_TIMEOUT", "60000")));

    /// <summary>A plugin directory with a manifest, an agent file and (optionally) an MCP server that leaves a marker file when started.</summary>
    private string WritePlugin(string name, string? mcpMarker = null)
    {
        var root = Path.Combine(_root.FullName, "plugins", name);
        Directory.CreateDirectory(Path.Combine(root, ".claude-plugin"));
        Directory.CreateDirectory(Path.Combine(root, "agents"));
        File.WriteAllText(Path.Combine(root, ".claude-plugin", "plugin.json"), JsonSerializer.Serialize(new { name, version = "1.0.0" }));
        File.WriteAllText(Path.Combine(root, "agents", "tidy.md"), "---\nname: tidy\ndescription: Tidies code.\ntools: Read\n---\n\nYou are the tidy agent of the plugin.\n");
        if (mcpMarker is not null)
        {
            File.WriteAllText(Path.Combine(root, ".mcp.json"), MarkerServers("marker", mcpMarker));
        }
        return root;
    }

    /// <summary>An MCP configuration whose one server only touches <paramref name="marker"/> (it then exits: a failed server).</summary>
    private static string MarkerServers(string name, string marker) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["mcpServers"] = new Dictionary<string, object> { [name] = new { command = "sh", args = new[] { "-c", $"touch '{marker}'" } } } });

    [Fact]
    public async Task FallbackModel_WhenTheMainModelIsNotFound_AnswersFromTheFallbackAndSaysSoOnStderr()
    {
        _server.Enqueue(ScriptedTurn.ModelNotFound(), ScriptedTurn.Reply("answered by the fallback"));

        var run = await ForgeAsync("--fallback-model", "gpt-4o-mini", "hello");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("answered by the fallback", run.StdOut.Trim());
        Assert.Contains("forge: Switched to gpt-4o-mini because gpt-4o is not available", run.StdErr, StringComparison.Ordinal);
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], _server.Requests.Select(r => r.Model));
    }

    [Fact]
    public async Task FallbackModel_TheSameAsTheMainModel_IsRefusedBeforeAnyCall()
    {
        var run = await ForgeAsync("--fallback-model", "gpt-4o", "hello");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--fallback-model gpt-4o: the fallback model cannot be the main model", run.StdErr, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Agent_FromTheAgentsFlag_RunsTheMainThreadWithItsPromptToolsAndModel_OverTheConfiguredModel()
    {
        _server.Enqueue(ScriptedTurn.Reply("reviewed"));
        var agents = JsonSerializer.Serialize(new { reviewer = new { description = "Reviews code", prompt = "You are the strict reviewer.", tools = new[] { "Read", "Grep" }, model = "gpt-4o-mini" } });

        var run = await ForgeAsync("--agents", agents, "--agent", "reviewer", "review it");

        Assert.True(run.ExitCode == 0, run.StdErr);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("gpt-4o-mini", request.Model);
        Assert.StartsWith("You are the strict reviewer.", request.Json.GetProperty("messages")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        var tools = request.Json.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).Order();
        Assert.Equal(["Grep", "Read"], tools);
    }

    [Fact]
    public async Task Agent_WithAModelFlag_KeepsTheFlagsModel()
    {
        _server.Enqueue(ScriptedTurn.Reply("reviewed"));
        var agents = JsonSerializer.Serialize(new { reviewer = new { description = "Reviews code", prompt = "You review.", model = "gpt-4o-mini" } });

        var run = await ForgeAsync("--model", "gpt-4.1", "--agents", agents, "--agent", "reviewer", "review it");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("gpt-4.1", Assert.Single(_server.Requests).Model);
    }

    [Fact]
    public async Task Agent_FromAProjectAgentFile_IsFound()
    {
        Directory.CreateDirectory(Path.Combine(Repo, ".claude", "agents"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".claude", "agents", "writer.md"), "---\nname: writer\ndescription: Writes docs.\n---\n\nYou write documentation only.\n", TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("written"));

        var run = await ForgeAsync("--agent", "writer", "document it");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.StartsWith("You write documentation only.", Assert.Single(_server.Requests).Json.GetProperty("messages")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_ThatNoOneDefines_IsRefusedNamingTheKnownOnes()
    {
        var run = await ForgeAsync("--agent", "ghost", "hello");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--agent ghost: no agent of that name", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("general-purpose", run.StdErr, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task PluginDir_LoadsTheGoodPluginsAgents_AndReportsABadManifestWithWhereAndWhy()
    {
        var good = WritePlugin("good-plugin");
        var bad = Path.Combine(_root.FullName, "plugins", "bad");
        Directory.CreateDirectory(Path.Combine(bad, ".claude-plugin"));
        await File.WriteAllTextAsync(Path.Combine(bad, ".claude-plugin", "plugin.json"), "{\n  \"name\": \"bad\",\n  \"version\": \n}\n", TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("tidied"));

        var run = await ForgeAsync("--plugin-dir", good, "--plugin-dir", bad, "--plugin-dir", Path.Combine(_root.FullName, "nowhere"), "--agent", "tidy", "tidy up");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.StartsWith("You are the tidy agent of the plugin.", Assert.Single(_server.Requests).Json.GetProperty("messages")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Contains($"--plugin-dir {bad}: {Path.Combine(bad, ".claude-plugin", "plugin.json")}:", run.StdErr, StringComparison.Ordinal);
        Assert.Contains($"--plugin-dir {Path.Combine(_root.FullName, "nowhere")}: no such directory", run.StdErr, StringComparison.Ordinal);
        Assert.Equal("tidied", run.StdOut.Trim());
    }

    [Fact]
    public async Task WithoutStrictMcpConfig_TheUserAndPluginServersStart()
    {
        var userMarker = Path.Combine(_root.FullName, "user-server-started");
        var pluginMarker = Path.Combine(_root.FullName, "plugin-server-started");
        Directory.CreateDirectory(Path.Combine(Home, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Home, ".forge", "mcp.json"), MarkerServers("user-server", userMarker), TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeAsync("--plugin-dir", WritePlugin("with-mcp", pluginMarker), "hello");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.True(File.Exists(userMarker), run.StdErr);
        Assert.True(File.Exists(pluginMarker), run.StdErr);
    }

    [Fact]
    public async Task StrictMcpConfig_StartsNoUserOrPluginServer()
    {
        var userMarker = Path.Combine(_root.FullName, "user-server-started");
        var pluginMarker = Path.Combine(_root.FullName, "plugin-server-started");
        Directory.CreateDirectory(Path.Combine(Home, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Home, ".forge", "mcp.json"), MarkerServers("user-server", userMarker), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Repo, ".mcp.json"), MarkerServers("project-server", userMarker), TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        // Trusted, so the project's .mcp.json would start but for --strict-mcp-config.
        var run = await ForgeAsync("--strict-mcp-config", "--trust-workspace", "--output-format", "stream-json", "--plugin-dir", WritePlugin("with-mcp", pluginMarker), "hello");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.False(File.Exists(userMarker), run.StdErr);
        Assert.False(File.Exists(pluginMarker), run.StdErr);
        Assert.DoesNotContain("MCP server", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PluginDirNoMcp_LoadsThePluginButDoesNotStartItsMcpServers()
    {
        var pluginMarker = Path.Combine(_root.FullName, "plugin-server-started");
        _server.Enqueue(ScriptedTurn.Reply("tidied"));

        var run = await ForgeAsync("--plugin-dir-no-mcp", WritePlugin("quiet", pluginMarker), "--agent", "tidy", "tidy up");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.False(File.Exists(pluginMarker), run.StdErr);
        Assert.StartsWith("You are the tidy agent of the plugin.", Assert.Single(_server.Requests).Json.GetProperty("messages")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
    }
}
