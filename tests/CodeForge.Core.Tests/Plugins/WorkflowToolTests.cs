using System.Collections.Concurrent;
using System.Text.Json;
using CodeForge.Core.Commands;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Skills;
using CodeForge.Core.Tools;
using CodeForge.Testing;

namespace CodeForge.Core.Tests.Plugins;

/// <summary>The Workflow tool running real scripts with the real <c>node</c> (skipped where there is none), each
/// <c>agent()</c> answered by a stand-in Task tool that records what it was asked.</summary>
public sealed class WorkflowToolTests : IDisposable
{
    private readonly TempTree _tree = new("forge-workflow-tool-");
    private readonly ConcurrentQueue<JsonElement> _taskCalls = new();
    private readonly Dictionary<string, WorkflowDefinition> _workflows = new(StringComparer.Ordinal);

    public void Dispose() => _tree.Dispose();

    private static string Node() => WorkflowRunner.FindNode(Environment.GetEnvironmentVariable("PATH")) ?? Skip();

    private static string Skip()
    {
        Assert.Skip("node is not on PATH");
        return "";
    }

    private sealed class StandInTask(Func<string, string> answer, ConcurrentQueue<JsonElement> calls) : ITool
    {
        public string Name => "Task";
        public string Description => "stand-in";
        public ToolCategory Category => ToolCategory.Task;
        public ToolSchema Schema => ToolSchema.Empty;

        public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
        {
            calls.Enqueue(arguments.Clone());
            var prompt = arguments.GetProperty("prompt").GetString()!;
            return Task.FromResult(prompt.Contains("FAIL", StringComparison.Ordinal) ? ToolResult.Fail("the subagent died") : ToolResult.Ok(answer(prompt)));
        }
    }

    private WorkflowTool Tool(Func<string, string>? answer = null, Func<string?>? findNode = null) =>
        new(n => _workflows.GetValueOrDefault(n), () => _workflows.Keys, () => new StandInTask(answer ?? (p => "answer to " + p[..Math.Min(20, p.Length)]), _taskCalls),
            findNode ?? Node);

    private void Add(string directory, string? plugin)
    {
        var list = plugin is null
            ? WorkflowLoader.LoadDirectory(directory, CommandScope.Project, new List<LoadDiagnostic>())
            : WorkflowLoader.LoadPlugin(directory, plugin, null, new List<LoadDiagnostic>());
        foreach (var w in list)
        {
            _workflows[w.Name] = w;
        }
    }

    private Task<ToolResult> RunAsync(WorkflowTool tool, string json) =>
        tool.ExecuteAsync(JsonDocument.Parse(json).RootElement, new ToolContext(_tree.Root), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Execute_ANamedWorkflowWithArgs_RunsTheScriptAndReturnsItsValueAndLog()
    {
        _tree.Write("wf/hello.js", """
            export const meta = { name: 'hello', description: 'Says hello' }
            log('hi ' + JSON.stringify(args))
            phase('Greet')
            return { greeting: 'hello', args, isArray: Array.isArray(args.list) }
            """);
        Add(_tree["wf"], null);

        var result = await RunAsync(Tool(), """{"name": "hello", "args": {"x": 1, "list": [1, 2]}}""");

        Assert.True(result.Success, result.Error);
        Assert.Contains("""<result>{"greeting":"hello","args":{"x":1,"list":[1,2]},"isArray":true}</result>""", result.Output, StringComparison.Ordinal);
        Assert.Contains("- hi {\"x\":1,\"list\":[1,2]}", result.Output, StringComparison.Ordinal);
        Assert.Contains("- [phase] Greet", result.Output, StringComparison.Ordinal);
        Assert.StartsWith("Dynamic workflow \"Says hello\" (hello) completed (0 agents).", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_TheMinifiedShape_RunsAgentsAsTaskSubagents_ParsesSchemaAnswers_AndFansOut()
    {
        Add(Path.Combine(PluginFixtures.Root, "shapes", "workflow-shapes"), "workflow-shapes");
        var tool = Tool(p => p.StartsWith("List the components", StringComparison.Ordinal) ? "```json\n{\"components\": [\"api\", \"db\", \"ui\"]}\n```" : "yes");

        var result = await RunAsync(tool, """{"name": "workflow-shapes:scan", "args": "{\"root\": \"src\", \"effort\": \"high\"}"}""");

        Assert.True(result.Success, result.Error);
        Assert.Contains("""<result>{"started":true,"file":"workflows/scan.js","effort":"high","components":["api","db","ui"],"votes":3}</result>""", result.Output, StringComparison.Ordinal);
        Assert.Equal(4, _taskCalls.Count);
        var inventory = Assert.Single(_taskCalls, c => c.GetProperty("description").GetString() == "inventory");
        Assert.Equal("general-purpose", inventory.GetProperty("subagent_type").GetString());
        Assert.Contains("validates against this JSON Schema", inventory.GetProperty("prompt").GetString(), StringComparison.Ordinal);
        Assert.Equal(["vote:0", "vote:1", "vote:2"], _taskCalls.Select(c => c.GetProperty("description").GetString()).Where(d => d!.StartsWith("vote", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Execute_ABareInvocationOfTheShape_ReturnsItsNoArgsAnswerWithoutAgents()
    {
        Add(Path.Combine(PluginFixtures.Root, "shapes", "workflow-shapes"), "workflow-shapes");

        var result = await RunAsync(Tool(), """{"name": "workflow-shapes:scan"}""");

        Assert.True(result.Success, result.Error);
        Assert.Contains("""{"started":false,"reason":"no-args"}""", result.Output, StringComparison.Ordinal);
        Assert.Empty(_taskCalls);
    }

    [Fact]
    public async Task Execute_TheOfficialPortfolioAssess_GivesEachSystemToTheLegacyAnalystAndComputesTheIndex()
    {
        Add(Path.Combine(PluginFixtures.Root, "official", "plugins", "code-modernization"), "code-modernization");
        var tool = Tool(_ => """{"sloc": 10000, "dominantLanguage": "COBOL", "fileCount": 12, "metricsTool": "scc"}""");

        var result = await RunAsync(tool, """{"name": "code-modernization:modernize-portfolio-assess", "args": {"parentDir": "legacy", "systems": ["billing", "ledger"]}}""");

        Assert.True(result.Success, result.Error);
        Assert.Equal(2, _taskCalls.Count);
        Assert.All(_taskCalls, c => Assert.Equal("code-modernization:legacy-analyst", c.GetProperty("subagent_type").GetString()));
        Assert.Contains("\"complexityIndex\":37", result.Output, StringComparison.Ordinal);
        Assert.Contains("Surveying 2 systems under legacy", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_AScriptThatThrows_FailsWithItsMessageAndTheFileLine()
    {
        var file = _tree.Write("wf/throws.js", "export const meta = { name: 'throws', description: 'd' }\n\nthrow new Error('requires args: {system}')\n");
        Add(_tree["wf"], null);

        var result = await RunAsync(Tool(), """{"name": "throws"}""");

        Assert.False(result.Success);
        Assert.Contains($"the workflow \"throws\" ({file})", result.Error, StringComparison.Ordinal);
        Assert.Contains("requires args: {system}", result.Error, StringComparison.Ordinal);
        Assert.Contains($"{file}:3", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("return Date.now()", "Date.now() is unavailable")]
    [InlineData("return Math.random()", "Math.random() is unavailable")]
    [InlineData("return new Date()", "new Date() is unavailable")]
    [InlineData("return typeof require + typeof process", "\"undefinedundefined\"")]
    [InlineData("return new Date(0).toISOString()", "\"1970-01-01T00:00:00.000Z\"")]
    [InlineData("return await workflow({ scriptPath: 'child.js' }, [1, 2])", "\"child got [1,2]\"")]
    [InlineData("const a = await agent('FAIL now'); return a", "<result>null</result>")]
    [InlineData("return await pipeline([1, 2], x => x * 10, (y, orig, i) => { if (i === 1) throw new Error('no'); return y + orig })", "<result>[11,null]</result>")]
    public async Task Execute_TheScriptApi_BehavesAsClaudeCodesDocumentsIt(string body, string expected)
    {
        _tree.Write("child.js", "export const meta = { name: 'child', description: 'c' }\nreturn 'child got ' + JSON.stringify(args)\n");

        var result = await RunAsync(Tool(), JsonSerializer.Serialize(new Dictionary<string, string> { ["script"] = $"export const meta = {{ name: 'inline', description: 'd' }}\n{body}\n" }));

        Assert.Contains(expected, result.Success ? result.Output : result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_WithoutNode_FailsNamingTheFileAndTheMissingRuntime()
    {
        var file = _tree.Write("wf/hello.js", "export const meta = { name: 'hello', description: 'd' }\nreturn 1\n");
        Add(_tree["wf"], null);

        var result = await RunAsync(Tool(findNode: () => null), """{"name": "hello"}""");

        Assert.False(result.Success);
        Assert.Contains($"Cannot run the workflow \"hello\" ({file})", result.Error, StringComparison.Ordinal);
        Assert.Contains("Node.js", result.Error, StringComparison.Ordinal);
        Assert.Contains("'node' was not found on PATH", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name": "nope"}""", "Workflow \"nope\" not found. Available: (none)")]
    [InlineData("""{"name": "x", "resumeFromRunId": "wf_1"}""", "not supported: resumeFromRunId")]
    [InlineData("""{"args": 1}""", "Must provide script, name, or scriptPath")]
    [InlineData("""{"script": "return 1"}""", "Invalid workflow script: `export const meta")]
    [InlineData("""{"scriptPath": "missing.js"}""", "Workflow script file missing.js: the workflow file does not exist")]
    [InlineData("""{"script": "export const meta = { name: 'bad', description: 'd' }\nreturn (("}""", "the script does not compile")]
    public async Task Execute_ACallThatCannotRun_FailsSayingWhy(string json, string why)
    {
        var result = await RunAsync(Tool(), json);

        Assert.False(result.Success);
        Assert.Contains(why, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_AnAgentCallWithoutATaskTool_LogsWhyAndGivesTheScriptNull()
    {
        var tool = new WorkflowTool(n => _workflows.GetValueOrDefault(n), () => _workflows.Keys, () => null, Node);

        var result = await RunAsync(tool, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["script"] = "export const meta = { name: 'inline', description: 'd' }\nconst a = await agent('look around')\nreturn a\n",
        }));

        Assert.True(result.Success, result.Error);
        Assert.Contains("<result>null</result>", result.Output, StringComparison.Ordinal);
        Assert.Contains("- agent failed: the Task tool is not available in this session, so agent() cannot start a subagent", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_AnAgentThatFails_LogsTheSubagentsErrorAndGivesTheScriptNull()
    {
        var result = await RunAsync(Tool(), JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["script"] = "export const meta = { name: 'inline', description: 'd' }\nconst a = await agent('FAIL now', { label: 'scout' })\nreturn a\n",
        }));

        Assert.True(result.Success, result.Error);
        Assert.Contains("<result>null</result>", result.Output, StringComparison.Ordinal);
        Assert.Contains("- agent scout failed: the subagent died", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_AnAgentCall_DescribesTheSubagentByItsLabelElseItsPhaseElseAsAWorkflowAgent()
    {
        var result = await RunAsync(Tool(), JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["script"] = "export const meta = { name: 'inline', description: 'd' }\n" +
                "await agent('first')\nawait agent('second', { phase: 'Scan' })\nawait agent('third', { label: 'scout', phase: 'Scan', agentType: 'explorer' })\nreturn 1\n",
        }));

        Assert.True(result.Success, result.Error);
        Assert.Equal(["workflow agent", "Scan", "scout"], _taskCalls.Select(c => c.GetProperty("description").GetString()));
        Assert.Equal(["general-purpose", "general-purpose", "explorer"], _taskCalls.Select(c => c.GetProperty("subagent_type").GetString()));
        Assert.StartsWith("Dynamic workflow \"d\" (inline) completed (3 agents).", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_WhenNoWayToFindNodeIsGiven_RunsTheNodeOnPath()
    {
        Node(); // skips where there is none
        var tool = new WorkflowTool(n => _workflows.GetValueOrDefault(n), () => _workflows.Keys, () => null);

        var result = await RunAsync(tool, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["script"] = "export const meta = { name: 'inline', description: 'd' }\nreturn 6 * 7\n",
        }));

        Assert.True(result.Success, result.Error);
        Assert.Contains("<result>42</result>", result.Output, StringComparison.Ordinal);
    }
}
