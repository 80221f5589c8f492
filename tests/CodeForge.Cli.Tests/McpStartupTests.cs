using System.Text.Json;
using CodeForge.Cli.Tests.Interactive;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests;

/// <summary><c>forge -p</c> with MCP servers from <c>.mcp.json</c>: the real process, a real npm server and the fake model.</summary>
public sealed class McpStartupTests() : ForgeWorkspaceTestBase("forge-mcp-e2e-")
{
    private readonly string _marker = "forge-e2e-" + Guid.NewGuid().ToString("N");

    private async Task WriteMcpJsonAsync(string servers) =>
        await File.WriteAllTextAsync(Path.Combine(Repo, ".mcp.json"), "{\"mcpServers\": {" + servers + "}}", TestContext.Current.CancellationToken);

    private static string EverythingEntry => $$"""
        "everything": {"command": "node", "args": ["{{McpTestServers.Everything}}", "stdio", "--marker=${MARKER}"]}
        """;

    [Fact]
    public async Task Print_ModelCallsAnMcpTool_TheServersAnswerReachesTheNextRequestAndNoServerOutlivesForge()
    {
        await WriteMcpJsonAsync(EverythingEntry + """, "ghost": {"command": "forge-no-such-command-xyz"}""");
        _server.Enqueue(
            ScriptedTurn.CallTool("mcp__everything__echo", """{"message":"albatross"}""", "call_1"),
            ScriptedTurn.Reply("The server said albatross."));

        var run = await ForgeProcess.RunAsync(["-p", "echo something", "--provider", "openai", "--model", "gpt-4o",
            "--allowedTools", "mcp__everything__echo", "--output-format", "stream-json", "--trust-workspace"], Repo, Env(("MARKER", _marker)));

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(2, _server.Requests.Count);
        var first = _server.Requests[0].Json;
        var toolNames = first.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToList();
        Assert.Contains("mcp__everything__echo", toolNames);
        Assert.Contains("Read", toolNames);
        Assert.Contains("Echo: albatross", _server.Requests[1].Body, StringComparison.Ordinal);
        // stream-json: the failure is in the init event, not on stderr.
        Assert.DoesNotContain("ghost", run.StdErr, StringComparison.Ordinal);
        var init = JsonDocument.Parse(run.StdOut.Split('\n')[0]).RootElement;
        Assert.Single(init.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("message").GetString()!
            .StartsWith("MCP server \"ghost\" failed: command \"forge-no-such-command-xyz\" was not found", StringComparison.Ordinal));
        Assert.Contains(init.GetProperty("tools").EnumerateArray(), t => t.GetString() == "mcp__everything__echo");
        Assert.Empty(McpTestServers.ProcessesWith(_marker));
    }

    [Fact]
    public async Task Print_WithoutAnAllowRule_TheMcpCallIsDeniedAndTheServerNotCalled()
    {
        await WriteMcpJsonAsync(EverythingEntry);
        _server.Enqueue(
            ScriptedTurn.CallTool("mcp__everything__echo", """{"message":"albatross"}""", "call_1"),
            ScriptedTurn.Reply("Denied."));

        var run = await ForgeProcess.RunAsync(["-p", "echo something", "--provider", "openai", "--model", "gpt-4o", "--trust-workspace"], Repo, Env(("MARKER", _marker)));

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.DoesNotContain("Echo: albatross", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("cannot ask the user", _server.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_SlowServer_IsReportedAfterMcpTimeoutAndTheRunGoesOn()
    {
        await WriteMcpJsonAsync($$"""
            "slow": {"command": "node", "args": ["-e", "setTimeout(() => {}, 120000)", "{{_marker}}"]}
            """);
        _server.Enqueue(ScriptedTurn.Reply("fine"));

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai", "--model", "gpt-4o", "--trust-workspace"], Repo, Env(("MCP_TIMEOUT", "1500")));

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("fine", run.StdOut.Trim());
        Assert.Contains("forge: MCP server \"slow\" failed: did not start within 1.5 s", run.StdErr);
        Assert.Empty(McpTestServers.ProcessesWith(_marker));
    }

    [Fact]
    public async Task Interactive_ServerThatHangsOnStart_LeavesThePromptUsable_AndMcpShowsItStartingThenFailed()
    {
        // A trusted folder (forge trust add, the real command) whose .mcp.json server never answers initialize.
        await WriteMcpJsonAsync($$"""
            "hang": {"command": "node", "args": ["-e", "setTimeout(() => {}, 600000)", "{{_marker}}"]}
            """);
        var trusted = await ForgeProcess.RunAsync(["trust", "add"], Repo, Env());
        Assert.True(trusted.ExitCode == 0, trusted.StdErr);
        // Long enough that start-up, a turn and /mcp fit well inside it on a loaded machine (a whole forge start took
        // over 10 s at load 80 in CI runs); the test then waits for the failure.
        const int timeoutMs = 90_000;
        _server.Enqueue(ScriptedTurn.Reply("pong from the model"));
        await using var term = await TmuxTerminal.StartAsync(["--provider", "openai", "--model", "gpt-4o"], Repo,
            Env(("MCP_TIMEOUT", timeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await term.WaitForAsync("> ");

        // The prompt is usable while the server hangs: a whole turn runs, and /mcp then still shows the server starting.
        await term.TypeAsync("ping");
        await term.PressAsync("Enter");
        await term.WaitForAsync("pong from the model");
        Assert.NotEmpty(McpTestServers.ProcessesWith(_marker)); // its command did start (the folder is trusted)
        await term.TypeAsync("/mcp");
        await term.PressAsync("Enter");
        var starting = await term.WaitForAsync("hang: ");
        Assert.Contains("hang: Starting (0 tools)", starting, StringComparison.Ordinal);

        // After its timeout, /mcp shows it failed with the reason (polled: one /mcp a second, up to the watchdog).
        var watchdog = System.Diagnostics.Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var shown = 1;
        string screen;
        do
        {
            await tick.WaitForNextTickAsync(TestContext.Current.CancellationToken);
            await term.TypeAsync("/mcp");
            await term.PressAsync("Enter");
            screen = await term.WaitForAsync("hang: ", ++shown);
        }
        while (!screen.Contains("hang: Failed", StringComparison.Ordinal) && watchdog.Elapsed < ForgeProcess.Watchdog);
        Assert.Contains("hang: Failed — did not start within 90 s", screen, StringComparison.Ordinal);
        Assert.Contains("MCP server \"hang\" failed: did not start within 90 s", screen, StringComparison.Ordinal);

        await term.TypeAsync("/exit");
        await term.PressAsync("Enter");
        Assert.Equal(0, await term.WaitForExitAsync());
        Assert.Empty(McpTestServers.ProcessesWith(_marker));
    }

    [Fact]
    public async Task Print_BadMcpJson_IsReportedWithFileAndLineAndTheRunGoesOn()
    {
        await File.WriteAllTextAsync(Path.Combine(Repo, ".mcp.json"), "{\n  \"mcpServers\": {\n    \"x\": [1]\n  }\n}\n", TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("fine"));

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai", "--model", "gpt-4o", "--trust-workspace"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains($"{Path.Combine(Repo, ".mcp.json")}:3: MCP server \"x\": the entry must be an object, got an array", run.StdErr);
    }

    /// <summary>Two node servers that exit at once, as a public plugin's servers do without their node_modules.</summary>
    private async Task WriteTwoFailingServersAsync() => await WriteMcpJsonAsync("""
        "alpha": {"command": "node", "args": ["-e", "console.error('Error: Cannot find module alpha-sdk'); process.exit(1)"]},
        "beta": {"command": "node", "args": ["-e", "console.error('Error: Cannot find module beta-sdk'); process.exit(1)"]}
        """);

    private static string[] StderrLines(ForgeProcess.Result run) => run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Print_WithTwoServersThatFailToStart_PrintsOneLineThatCountsThem_AndDoctorShowsEachWithItsStderr()
    {
        await WriteTwoFailingServersAsync();
        _server.Enqueue(ScriptedTurn.Reply("fine"));
        Assert.Equal(0, (await ForgeProcess.RunAsync(["trust", "add"], Repo, Env())).ExitCode);

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai", "--model", "gpt-4o"], Repo, Env());
        var doctor = await ForgeProcess.RunAsync(["doctor"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("fine", run.StdOut.Trim());
        var line = Assert.Single(StderrLines(run));
        Assert.Equal("forge: 2 MCP servers failed to start (alpha, beta): run forge doctor for details, or add --verbose", line);
        Assert.Equal(1, doctor.ExitCode);
        var mcpSection = doctor.StdOut[doctor.StdOut.IndexOf("MCP servers", StringComparison.Ordinal)..];
        var lines = mcpSection.Split('\n');
        Assert.Single(lines, l => l.StartsWith("  ⚠ alpha: failed to start:", StringComparison.Ordinal) && l.Contains("Error: Cannot find module alpha-sdk", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("  ⚠ beta: failed to start:", StringComparison.Ordinal) && l.Contains("Error: Cannot find module beta-sdk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Print_WithTwoFailingServersAndVerbose_PrintsEachFailureWithItsStderr()
    {
        await WriteTwoFailingServersAsync();
        _server.Enqueue(ScriptedTurn.Reply("fine"));

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai", "--model", "gpt-4o", "--trust-workspace", "--verbose"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Single(StderrLines(run), l => l.StartsWith("forge: MCP server \"alpha\" failed:", StringComparison.Ordinal) && l.Contains("Cannot find module alpha-sdk", StringComparison.Ordinal));
        Assert.Single(StderrLines(run), l => l.StartsWith("forge: MCP server \"beta\" failed:", StringComparison.Ordinal) && l.Contains("Cannot find module beta-sdk", StringComparison.Ordinal));
        Assert.DoesNotContain("failed to start (alpha, beta)", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_StreamJsonWithTwoFailingServers_LeavesStderrEmpty_AndTheInitEventListsEachFailure()
    {
        await WriteTwoFailingServersAsync();
        _server.Enqueue(ScriptedTurn.Reply("fine"));

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai", "--model", "gpt-4o", "--trust-workspace", "--output-format", "stream-json"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Empty(StderrLines(run));
        var init = JsonDocument.Parse(run.StdOut.Split('\n')[0]).RootElement;
        var messages = init.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("message").GetString()!).ToList();
        Assert.Contains(messages, m => m.StartsWith("MCP server \"alpha\" failed:", StringComparison.Ordinal) && m.Contains("Cannot find module alpha-sdk", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("MCP server \"beta\" failed:", StringComparison.Ordinal) && m.Contains("Cannot find module beta-sdk", StringComparison.Ordinal));
    }
}
