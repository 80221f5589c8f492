using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Headless;

/// <summary>
/// Dynamic workflows end to end: the real <c>forge -p --output-format stream-json</c> with a plugin of workflows
/// (<c>--plugin-dir</c>) and a project workflow, against the fake model server: the init line lists them as Claude Code
/// does, the model's Workflow call runs the script with Node.js and its agent() is a real subagent turn.
/// </summary>
public sealed class HeadlessWorkflowTests() : ForgeWorkspaceTestBase("forge-workflows-")
{
    private string Plugin => PluginFixtures.CopyTo(Path.Combine("shapes", "workflow-shapes"), Path.Combine(_root.FullName, "workflow-shapes"));

    private static List<JsonElement> Lines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    private static IEnumerable<string> Names(JsonElement init, string key) => init.GetProperty(key).EnumerateArray().Select(e => e.GetString()!);

    private static JsonElement ToolResult(List<JsonElement> lines) =>
        lines.Where(l => l.GetProperty("type").GetString() == "user")
            .SelectMany(l => l.GetProperty("message").GetProperty("content").EnumerateArray())
            .Single(b => b.GetProperty("type").GetString() == "tool_result");

    private static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Strings(p.Value)),
        _ => [],
    };

    private static string Text(JsonElement toolResult) =>
        toolResult.GetProperty("content") is { ValueKind: JsonValueKind.String } s ? s.GetString()!
            : string.Concat(toolResult.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("text").GetString()));

    [Fact]
    public async Task Print_StreamJson_ListsTheWorkflows_AndTheModelsWorkflowCallRunsTheScriptWithASubagent()
    {
        var ct = TestContext.Current.CancellationToken;
        if (CodeForge.Core.Plugins.WorkflowRunner.FindNode(Environment.GetEnvironmentVariable("PATH")) is null)
        {
            Assert.Skip("node is not on PATH");
        }
        var project = Path.Combine(Repo, ".claude", "workflows");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "hello.js"), "export const meta = { name: 'hello-wf', description: 'Says hello' }\nreturn 'hello'\n", ct);
        _server.Enqueue(
            ScriptedTurn.CallTool("Workflow", """{"name": "workflow-shapes:scan", "args": {"root": "src", "effort": "low"}}""", "call_w"),
            ScriptedTurn.Reply("""{"components": ["api"]}"""),
            ScriptedTurn.Reply("vote: keep"),
            ScriptedTurn.Reply("The scan is done."));

        var run = await ForgeProcess.RunAsync(["-p", "scan it", "--output-format", "stream-json", "--verbose", "--provider", "openai", "--trust-workspace",
            "--allowedTools", "Workflow", "--plugin-dir", Plugin], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var lines = Lines(run.StdOut);
        var init = lines[0];
        Assert.Contains("Workflow", Names(init, "tools"));
        // As Claude Code 2.1.337 lists them: among the skills and the slash commands, plugin:meta.name and meta.name.
        Assert.Contains("workflow-shapes:scan", Names(init, "skills"));
        Assert.Contains("hello-wf", Names(init, "skills"));
        Assert.Contains("workflow-shapes:scan", Names(init, "slash_commands"));
        var result = Text(ToolResult(lines));
        Assert.Contains("""<result>{"started":true,"file":"workflows/scan.js","effort":"low","components":["api"],"votes":1}</result>""", result, StringComparison.Ordinal);
        Assert.Equal(4, _server.Requests.Count);
        Assert.Contains("List the components under src", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("Vote on api", _server.Requests[2].Body, StringComparison.Ordinal);
        Assert.Equal("The scan is done.", lines[^1].GetProperty("result").GetString());
    }

    [Fact]
    public async Task Print_TheWorkflowSlashCommand_SendsClaudeCodesPrompt_AndWithoutNodeTheCallFailsNamingFileAndRuntime()
    {
        var plugin = Plugin;
        _server.Enqueue(
            ScriptedTurn.CallTool("Workflow", """{"name": "workflow-shapes:scan", "args": "{\"root\": \"src\"}"}""", "call_w"),
            ScriptedTurn.Reply("Node.js is missing."));
        // A PATH with only the dotnet that runs forge (the link resolved): no node on it.
        var dotnet = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")).FirstOrDefault(File.Exists) is { } found
            ? new FileInfo(found).ResolveLinkTarget(true)?.FullName ?? found : null;
        var dotnetOnly = dotnet is null ? null : Path.GetDirectoryName(dotnet)!;
        if (dotnetOnly is null || CodeForge.Core.Plugins.WorkflowRunner.FindNode(dotnetOnly) is not null)
        {
            Assert.Skip("no folder holds dotnet without node");
        }

        var run = await ForgeProcess.RunAsync(["-p", "/workflow-shapes:scan {\"root\": \"src\"}", "--output-format", "stream-json", "--verbose", "--provider", "openai",
            "--trust-workspace", "--allowedTools", "Workflow", "--plugin-dir", plugin], Repo, Env(("PATH", dotnetOnly)));

        Assert.True(run.ExitCode == 0, run.StdErr);
        var prompt = Assert.Single(Strings(JsonDocument.Parse(_server.Requests[0].Body).RootElement), t => t.Contains("Invoke: Workflow(", StringComparison.Ordinal));
        Assert.StartsWith("Run the \"workflow-shapes:scan\" workflow.\n\nShape of a minified scan pipeline", prompt, StringComparison.Ordinal);
        Assert.Contains("Phases:\n- Inventory: partition the tree\n- Panel: one voter per lens", prompt, StringComparison.Ordinal);
        Assert.EndsWith("Invoke: Workflow({ name: \"workflow-shapes:scan\", args: \"{\\\"root\\\": \\\"src\\\"}\" })\n", prompt, StringComparison.Ordinal);
        var toolResult = ToolResult(Lines(run.StdOut));
        Assert.True(toolResult.GetProperty("is_error").GetBoolean());
        Assert.Contains($"Cannot run the workflow \"workflow-shapes:scan\" ({Path.Combine(plugin, "workflows", "scan.js")})", Text(toolResult), StringComparison.Ordinal);
        Assert.Contains("'node' was not found on PATH", Text(toolResult), StringComparison.Ordinal);
    }
}
