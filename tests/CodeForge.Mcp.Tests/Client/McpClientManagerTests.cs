using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CodeForge.Mcp.Client;
using CodeForge.Mcp.Config;
using CodeForge.Testing;

namespace CodeForge.Mcp.Tests.Client;

/// <summary>The manager against the real npm servers <c>server-everything</c> and <c>server-filesystem</c>.</summary>
public sealed class McpClientManagerTests : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-mcp-");
    private readonly string _marker = "forge-test-" + Guid.NewGuid().ToString("N");
    private readonly List<McpClientManager> _managers = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var m in _managers)
        {
            await m.DisposeAsync();
        }
        foreach (var pid in McpTestServers.ProcessesWith(_marker))
        {
            try
            {
                Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
            }
        }
        _root.Delete(recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private McpServerConfig Everything(string name = "everything", ImmutableDictionary<string, string>? env = null) => new()
    {
        Name = name,
        Command = "node",
        Args = [McpTestServers.Everything, "stdio", $"--marker={_marker}-{name}"],
        Env = env ?? ImmutableDictionary<string, string>.Empty,
        Source = "test",
    };

    private McpClientManager Manager(McpClientManagerOptions? options, params McpServerConfig[] servers)
    {
        var manager = new McpClientManager(servers, options ?? new McpClientManagerOptions { StartupTimeout = TimeSpan.FromSeconds(60) });
        _managers.Add(manager);
        return manager;
    }

    private static JsonElement Args(Dictionary<string, object> values)
    {
        var o = new System.Text.Json.Nodes.JsonObject();
        foreach (var (k, v) in values)
        {
            o[k] = System.Text.Json.Nodes.JsonValue.Create(v.ToString());
        }
        return JsonElement.Parse(o.ToJsonString());
    }

    private static JsonElement Json(string json) => JsonElement.Parse(json);

    [Fact]
    public async Task ConnectAsync_StdioServer_ListsItsToolsUnderMcpNames()
    {
        var manager = Manager(null, Everything());

        var status = await manager.ConnectAsync("everything", Ct);

        Assert.Equal(McpServerState.Connected, status.State);
        Assert.Contains(status.Tools, t => t.Name == "mcp__everything__echo" && t.ServerToolName == "echo");
        Assert.Contains(status.Tools, t => t.Name == "mcp__everything__get-sum");
        var tools = manager.GetTools();
        var echo = Assert.Single(tools, t => t.Name == "mcp__everything__echo");
        Assert.Equal(Core.Tools.ToolCategory.Mcp, echo.Category);
        Assert.Equal("object", echo.Schema.JsonSchema.GetProperty("type").GetString());
        Assert.True(echo.Schema.JsonSchema.GetProperty("properties").TryGetProperty("message", out _));
        Assert.Contains("'message' is required", echo.Schema.Validate(Json("{}")));
    }

    [Fact]
    public async Task CallToolAsync_EchoAndSum_ReturnTheServersText()
    {
        var manager = Manager(null, Everything());

        var echo = await manager.CallToolAsync("everything", "echo", Json("""{"message":"hello from forge"}"""), Ct);
        var sum = await manager.CallToolAsync("everything", "get-sum", Json("""{"a":2,"b":40}"""), Ct);

        Assert.True(echo.Success, echo.Error);
        Assert.Contains("hello from forge", echo.Output);
        Assert.True(sum.Success, sum.Error);
        Assert.Contains("42", sum.Output);
    }

    [Fact]
    public async Task CallToolAsync_ThroughITool_RunsTheCall()
    {
        var manager = Manager(null, Everything());
        await manager.ConnectAsync("everything", Ct);
        var echo = manager.GetTools().Single(t => t.Name == "mcp__everything__echo");

        var result = await echo.ExecuteAsync(Json("""{"message":"via ITool"}"""), new Core.Tools.ToolContext(_root.FullName), Ct);

        Assert.True(result.Success, result.Error);
        Assert.Contains("via ITool", result.Output);
    }

    [Fact]
    public async Task CallToolAsync_LargeResult_IsTruncatedToTheBudgetWithAMarker()
    {
        var manager = Manager(new McpClientManagerOptions { MaxOutputTokens = 10, StartupTimeout = TimeSpan.FromSeconds(60) }, Everything());
        var message = new string('x', 500);

        var result = await manager.CallToolAsync("everything", "echo", Args(new Dictionary<string, object> { ["message"] = message }), Ct);

        Assert.True(result.Success, result.Error);
        Assert.StartsWith("Echo: " + new string('x', 34), result.Output, StringComparison.Ordinal);
        Assert.Contains("[MCP output truncated:", result.Output);
        Assert.Contains("MAX_MCP_OUTPUT_TOKENS", result.Output);
        Assert.DoesNotContain(new string('x', 41), result.Output);
    }

    [Fact]
    public async Task CallToolAsync_UnknownTool_IsAFailedResultNamingIt()
    {
        var manager = Manager(null, Everything());

        var result = await manager.CallToolAsync("everything", "no-such-tool", Json("{}"), Ct);

        Assert.False(result.Success);
        Assert.Contains("no-such-tool", result.Error);
    }

    [Fact]
    public async Task Filesystem_ReadsInsideItsAllowedDirectoryAndRefusesOutside()
    {
        var allowed = Directory.CreateDirectory(Path.Combine(_root.FullName, "allowed")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_root.FullName, "outside")).FullName;
        await File.WriteAllTextAsync(Path.Combine(allowed, "a.txt"), "inside text", Ct);
        await File.WriteAllTextAsync(Path.Combine(outside, "b.txt"), "secret text", Ct);
        var manager = Manager(null, new McpServerConfig
        {
            Name = "fs",
            Command = "node",
            Args = [McpTestServers.Filesystem, allowed, $"--marker={_marker}"],
            Source = "test",
        });

        var status = await manager.ConnectAsync("fs", Ct);
        Assert.True(status.State == McpServerState.Connected, status.Error);
        var readTool = status.Tools.Select(t => t.ServerToolName).First(n => n is "read_text_file" or "read_file");
        var inside = await manager.CallToolAsync("fs", readTool, Args(new Dictionary<string, object> { ["path"] = Path.Combine(allowed, "a.txt") }), Ct);
        var refused = await manager.CallToolAsync("fs", readTool, Args(new Dictionary<string, object> { ["path"] = Path.Combine(outside, "b.txt") }), Ct);

        Assert.True(inside.Success, inside.Error);
        Assert.Contains("inside text", inside.Output);
        Assert.False(refused.Success);
        Assert.Contains("denied", refused.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret text", refused.Error);
    }

    [Fact]
    public async Task ConnectAllAsync_MissingCommand_FailsClearlyAndTheOthersConnect()
    {
        var manager = Manager(null, Everything(), new McpServerConfig { Name = "ghost", Command = "forge-no-such-command-xyz", Source = "test" });

        var statuses = await manager.ConnectAllAsync(Ct);

        var ghost = statuses.Single(s => s.Name == "ghost");
        Assert.Equal(McpServerState.Failed, ghost.State);
        Assert.Contains("forge-no-such-command-xyz", ghost.Error);
        Assert.Contains("not found", ghost.Error);
        Assert.Equal(McpServerState.Connected, statuses.Single(s => s.Name == "everything").State);
        var call = await manager.CallToolAsync("ghost", "anything", Json("{}"), Ct);
        Assert.False(call.Success);
        Assert.Contains("ghost", call.Error);
        Assert.Equal(1, manager.GetStatus("ghost").Starts);
    }

    [Fact]
    public async Task ConnectAllAsync_ServerThatExitsAtStart_QuotesTheEndOfItsStderrOnce()
    {
        // As a plugin's node server without its node_modules does: a stack trace on stderr, then exit 1.
        var manager = Manager(null, new McpServerConfig
        {
            Name = "broken",
            Command = "sh",
            Args = ["-c", "echo 'Error: Cannot find module dist/index.js' >&2; echo \"  code: 'MODULE_NOT_FOUND'\" >&2; exit 1"],
            Source = "test",
        });

        var statuses = await manager.ConnectAllAsync(Ct);

        var broken = statuses.Single(s => s.Name == "broken");
        Assert.Equal(McpServerState.Failed, broken.State);
        Assert.Contains("MODULE_NOT_FOUND", broken.Error, StringComparison.Ordinal);
        Assert.Equal(1, broken.Error!.Split("its stderr ended with", StringSplitOptions.None).Length - 1);
        Assert.Equal(1, broken.Error.Split("MODULE_NOT_FOUND", StringSplitOptions.None).Length - 1);
    }

    [Fact]
    public async Task ConnectAllAsync_SlowServer_HitsTheStartupTimeoutAloneAndItsProcessIsKilled()
    {
        var slow = new McpServerConfig
        {
            Name = "slow",
            Command = "node",
            Args = ["-e", "setTimeout(() => {}, 120000)", $"{_marker}-slow"],
            Source = "test",
        };
        // The start-up timeout runs on a fake clock: the real server connects however long a loaded machine takes, and
        // the slow one fails exactly when the clock passes 10 s (no race between the two, no bound on wall time).
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var manager = Manager(new McpClientManagerOptions { StartupTimeout = TimeSpan.FromSeconds(10), TimeProvider = time }, slow, Everything());

        var all = manager.ConnectAllAsync(Ct);
        var everything = await manager.ConnectAsync("everything", Ct); // joins the start ConnectAllAsync began
        Assert.True(everything.State == McpServerState.Connected, everything.Error);
        Assert.Equal(McpServerState.Starting, manager.GetStatus("slow").State); // still waiting: its clock has not run out
        time.Advance(TimeSpan.FromSeconds(10));
        var statuses = await all;

        var failed = statuses.Single(s => s.Name == "slow");
        Assert.Equal(McpServerState.Failed, failed.State);
        Assert.Contains("did not start within 10 s", failed.Error);
        Assert.Contains("MCP_TIMEOUT", failed.Error);
        Assert.Equal(McpServerState.Connected, statuses.Single(s => s.Name == "everything").State);
        await WaitForExitAsync(McpTestServers.ProcessesWith($"{_marker}-slow"));
        Assert.Empty(McpTestServers.ProcessesWith($"{_marker}-slow"));
    }

    [Fact]
    public async Task Config_ExpandedEnvironment_ReachesTheServerProcess()
    {
        var parsed = McpConfigLoader.Parse("""
            {"mcpServers": {"everything": {"command": "node", "args": ["SCRIPT", "stdio", "--marker=${MARK}"],
              "env": {"FORGE_PROBE": "${PROBE_VALUE}", "FORGE_DEFAULTED": "${UNSET_THING:-fallback-value}"}}}}
            """.Replace("SCRIPT", McpTestServers.Everything, StringComparison.Ordinal), "test.json", McpConfigScope.Project, name => name switch { "PROBE_VALUE" => "probe-42", "MARK" => _marker, _ => null });
        var config = Assert.Single(parsed.Servers);
        Assert.Null(config.Error);
        var manager = Manager(null, config);

        var result = await manager.CallToolAsync("everything", "get-env", Json("{}"), Ct);

        Assert.True(result.Success, result.Error);
        Assert.Contains("probe-42", result.Output);
        Assert.Contains("fallback-value", result.Output);
        Assert.Single(McpTestServers.ProcessesWith(_marker));
    }

    [Fact]
    public async Task CallToolAsync_AfterTheServerIsKilled_RestartsItOnce()
    {
        var manager = Manager(null, Everything());
        Assert.Equal(McpServerState.Connected, (await manager.ConnectAsync("everything", Ct)).State);
        var first = Assert.Single(McpTestServers.ProcessesWith(_marker));

        var process = Process.GetProcessById(first);
        process.Kill();
        await process.WaitForExitAsync(Ct);
        var result = await manager.CallToolAsync("everything", "echo", Json("""{"message":"after crash"}"""), Ct);

        Assert.True(result.Success, result.Error);
        Assert.Contains("after crash", result.Output);
        var second = Assert.Single(McpTestServers.ProcessesWith(_marker));
        Assert.NotEqual(first, second);
        Assert.Equal(2, manager.GetStatus("everything").Starts);
        Assert.Equal(McpServerState.Connected, manager.GetStatus("everything").State);
    }

    [Fact]
    public async Task CallToolAsync_ServerThatCrashesOnEveryCall_FailsClearlyAfterOneRestart()
    {
        // A stdio server that answers initialize and tools/list, then exits when a tool is called.
        var script = Path.Combine(_root.FullName, "crashy.js");
        await File.WriteAllTextAsync(script, """
            const rl = require('readline').createInterface({ input: process.stdin });
            const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
            rl.on('line', (line) => {
              const msg = JSON.parse(line);
              if (msg.method === 'initialize') send({ jsonrpc: '2.0', id: msg.id, result: { protocolVersion: msg.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'crashy', version: '1' } } });
              else if (msg.method === 'tools/list') send({ jsonrpc: '2.0', id: msg.id, result: { tools: [{ name: 'boom', inputSchema: { type: 'object' } }] } });
              else if (msg.method === 'tools/call') process.exit(3);
              else if (msg.id !== undefined) send({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: 'Method not found' } });
            });
            """, Ct);
        var manager = Manager(null, new McpServerConfig { Name = "crashy", Command = "node", Args = [script, _marker], Source = "test" });

        var result = await manager.CallToolAsync("crashy", "boom", Json("{}"), Ct);

        Assert.False(result.Success);
        Assert.True(result.Error!.Contains("crashy", StringComparison.Ordinal) && result.Error.Contains("again", StringComparison.Ordinal), result.Error);
        Assert.Equal(2, manager.GetStatus("crashy").Starts);
    }

    [Fact]
    public async Task CallToolAsync_ConcurrentFirstUses_StartTheServerExactlyOnce()
    {
        var manager = Manager(null, Everything());

        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => manager.CallToolAsync("everything", "echo", Args(new Dictionary<string, object> { ["message"] = $"call {i}" }), Ct)).ToArray());

        Assert.All(results, r => Assert.True(r.Success, r.Error));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"call {i}"), results.Select(r => r.Output.Replace("Echo: ", "", StringComparison.Ordinal)));
        Assert.Single(McpTestServers.ProcessesWith(_marker));
        Assert.Equal(1, manager.GetStatus("everything").Starts);
    }

    [Fact]
    public async Task CallToolAsync_ConcurrentCallsAfterACrash_RestartTheServerExactlyOnce()
    {
        var manager = Manager(null, Everything());
        await manager.ConnectAsync("everything", Ct);
        using (var process = Process.GetProcessById(Assert.Single(McpTestServers.ProcessesWith(_marker))))
        {
            process.Kill();
            await process.WaitForExitAsync(Ct);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => manager.CallToolAsync("everything", "echo", Args(new Dictionary<string, object> { ["message"] = $"after {i}" }), Ct)).ToArray());

        Assert.All(results, r => Assert.True(r.Success, r.Error));
        Assert.Single(McpTestServers.ProcessesWith(_marker));
        Assert.Equal(2, manager.GetStatus("everything").Starts);
    }

    [Fact]
    public async Task DisposeAsync_WhileAServerIsStarting_CancelsTheStartAndKillsItsProcess()
    {
        var slow = new McpServerConfig { Name = "slow", Command = "node", Args = ["-e", "setTimeout(() => {}, 120000)", _marker], Source = "test" };
        // The start-up timeout is on a fake clock that never moves: only the dispose can end the start (no time bound).
        var manager = new McpClientManager([slow], new McpClientManagerOptions
        {
            StartupTimeout = TimeSpan.FromSeconds(60),
            TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(),
        });
        var connecting = manager.ConnectAsync("slow", Ct);
        // Wait until the server process exists (observed in /proc; the bound is a watchdog against a hang).
        using (var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50)))
        {
            var watchdog = Stopwatch.StartNew();
            while (McpTestServers.ProcessesWith(_marker).Count == 0)
            {
                Assert.True(watchdog.Elapsed < Watchdog, "the slow server's process never appeared");
                await poll.WaitForNextTickAsync(Ct);
            }
        }

        await manager.DisposeAsync();
        var status = await connecting.WaitAsync(Watchdog, Ct);

        Assert.Equal(McpServerState.Failed, status.State);
        await WaitForExitAsync(McpTestServers.ProcessesWith(_marker));
        Assert.Empty(McpTestServers.ProcessesWith(_marker));
    }

    [Fact]
    public async Task DisposeAsync_KillsEveryStdioServer()
    {
        var manager = new McpClientManager([Everything("one"), Everything("two")], new McpClientManagerOptions { StartupTimeout = TimeSpan.FromSeconds(60) });
        await manager.ConnectAllAsync(Ct);
        Assert.Equal(2, McpTestServers.ProcessesWith(_marker).Count);

        await manager.DisposeAsync();

        await WaitForExitAsync(McpTestServers.ProcessesWith(_marker));
        Assert.Empty(McpTestServers.ProcessesWith(_marker));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => manager.CallToolAsync("one", "echo", Json("{}"), Ct));
    }

    [Fact]
    public async Task ApplyAsync_KeepsUnchangedServersRestartsChangedOnesAndStartsNewOnes()
    {
        var manager = Manager(null, Everything("one"), Everything("two"));
        await manager.ConnectAllAsync(Ct);
        var one = Assert.Single(McpTestServers.ProcessesWith($"{_marker}-one"));
        var two = Assert.Single(McpTestServers.ProcessesWith($"{_marker}-two"));

        var change = await manager.ApplyAsync([Everything("one"), Everything("two", ImmutableDictionary<string, string>.Empty.Add("FORGE_CHANGED", "1")), Everything("three")], Ct);

        Assert.Equal(["three"], change.Added);
        Assert.Equal(["two"], change.Restarted);
        Assert.Empty(change.Removed);
        await WaitForExitAsync([two]);
        Assert.Equal([one], McpTestServers.ProcessesWith($"{_marker}-one"));
        Assert.Equal(["one", "two", "three"], manager.GetStatuses().Select(s => s.Name));
        Assert.Equal(McpServerState.NotStarted, manager.GetStatus("two").State);
        var echo = await manager.CallToolAsync("two", "echo", Json("""{"message":"again"}"""), Ct);
        Assert.True(echo.Success, echo.Error);
        Assert.Contains("again", echo.Output, StringComparison.Ordinal);
        Assert.NotEqual(two, Assert.Single(McpTestServers.ProcessesWith($"{_marker}-two")));
        Assert.Equal(McpServerState.Connected, (await manager.ConnectAsync("three", Ct)).State);
    }

    [Fact]
    public async Task ApplyAsync_RemovedServers_AreClosedAndNoLongerKnown()
    {
        var manager = Manager(null, Everything("one"), Everything("two"));
        await manager.ConnectAllAsync(Ct);
        var pids = McpTestServers.ProcessesWith(_marker);

        var change = await manager.ApplyAsync([], Ct);

        Assert.Equal(["one", "two"], change.Removed);
        await WaitForExitAsync(pids);
        Assert.Empty(McpTestServers.ProcessesWith(_marker));
        Assert.Empty(manager.GetTools());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => manager.CallToolAsync("one", "echo", Json("{}"), Ct));
    }

    [Fact]
    public void WouldChange_IsFalseOnlyForTheSameNamesWithTheSameLaunchSettings()
    {
        var manager = Manager(null, Everything("one"), Everything("two"));

        Assert.False(manager.WouldChange([Everything("two") with { Source = "elsewhere" }, Everything("one")]));
        Assert.True(manager.WouldChange([Everything("one")]));
        Assert.True(manager.WouldChange([Everything("one"), Everything("three")]));
        Assert.True(manager.WouldChange([Everything("one"), Everything("two") with { Args = ["other.js"] }]));
    }

    [Fact]
    public async Task ApplyAsync_TwoServersWithOneName_ChangesNothing()
    {
        var manager = Manager(null, Everything("one"));

        await Assert.ThrowsAsync<ArgumentException>(() => manager.ApplyAsync([Everything("one"), Everything("one")], Ct));

        Assert.Equal(["one"], manager.Servers.Select(s => s.Name));
        Assert.True((await manager.ApplyAsync([Everything("one")], Ct)).IsEmpty);
    }

    [Fact]
    public async Task StreamableHttp_ConnectsListsAndCallsWithExpandedHeaders()
    {
        var (server, port) = await StartHttpServerAsync();
        try
        {
            var parsed = McpConfigLoader.Parse("""
                {"mcpServers": {"remote": {"type": "http", "url": "http://127.0.0.1:${PORT_UNDER_TEST}/mcp", "headers": {"Authorization": "Bearer ${TOKEN:-none}"}}}}
                """, "test.json", McpConfigScope.Project, n => n == "PORT_UNDER_TEST" ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
            var config = Assert.Single(parsed.Servers);
            Assert.Equal($"http://127.0.0.1:{port}/mcp", config.Url);
            Assert.Equal("Bearer none", config.Headers["Authorization"]);
            var manager = Manager(null, config);

            var status = await manager.ConnectAsync("remote", Ct);
            var echo = await manager.CallToolAsync("remote", "echo", Json("""{"message":"over http"}"""), Ct);

            Assert.True(status.State == McpServerState.Connected, status.Error);
            Assert.Contains(status.Tools, t => t.Name == "mcp__remote__echo");
            Assert.True(echo.Success, echo.Error);
            Assert.Contains("over http", echo.Output);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(Ct);
            server.Dispose();
        }
    }

    [Fact]
    public async Task ConnectAsync_ServerWithAConfigError_FailsWithThatErrorWithoutStarting()
    {
        var manager = Manager(null, Everything() with { Error = "environment variable ${X} is not set" });

        var status = await manager.ConnectAsync("everything", Ct);

        Assert.Equal(McpServerState.Failed, status.State);
        Assert.Contains("${X}", status.Error);
        Assert.Equal(0, status.Starts);
        Assert.Empty(McpTestServers.ProcessesWith(_marker));
    }

    [Fact]
    public void Constructor_DuplicateNames_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new McpClientManager([Everything("a"), Everything("a")]));
        Assert.Contains("\"a\"", ex.Message);
    }

    /// <summary>A watchdog against a hang, never reached by a correct run however loaded the machine.</summary>
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Starts the everything server over streamable HTTP on a free port. The port is free when chosen but another process
    /// may take it before the server binds it; the server then exits with "already in use" and the start is retried on a
    /// new port (decided on what the server prints, not on timing).
    /// </summary>
    private async Task<(Process Server, int Port)> StartHttpServerAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var psi = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(McpTestServers.Everything);
            psi.ArgumentList.Add("streamableHttp");
            psi.ArgumentList.Add(_marker);
            psi.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var server = new Process { StartInfo = psi, EnableRaisingEvents = true };
            var listening = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            server.ErrorDataReceived += (_, e) =>
            {
                if (e.Data?.Contains("listening", StringComparison.OrdinalIgnoreCase) == true)
                {
                    listening.TrySetResult(true);
                }
            };
            server.Exited += (_, _) => listening.TrySetResult(false);
            server.Start();
            server.BeginErrorReadLine();
            server.BeginOutputReadLine();
            if (await listening.Task.WaitAsync(Watchdog, Ct))
            {
                return (server, port);
            }
            server.Dispose();
            Assert.True(attempt < 5, $"the everything server exited before listening on {attempt} free ports");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForExitAsync(IReadOnlyList<int> pids)
    {
        foreach (var pid in pids)
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                await p.WaitForExitAsync(Ct).WaitAsync(Watchdog, Ct);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }
}
