using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Agent;

public sealed class TaskToolTests : IDisposable
{
    private const string ParentPrompt = "PARENT";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-task-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    private static bool IsParent(IReadOnlyList<ChatMessage> request) => request[0].Text == ParentPrompt;

    private static async Task<List<AgentEvent>> Collect(IAsyncEnumerable<AgentEvent> events)
    {
        var list = new List<AgentEvent>();
        await foreach (var e in events)
        {
            list.Add(e);
        }
        return list;
    }

    private sealed record Setup(AgentLoop Loop, TaskTool Task, ToolRegistry Registry);

    private Setup Build(IChatClient client, IToolCallAuthorizer? authorizer = null, int max = 4, AgentCatalog? catalog = null, params ITool[] tools)
    {
        var registry = new ToolRegistry();
        registry.RegisterMany(tools);
        var executor = new ToolExecutor(registry);
        var context = new ToolContext(_dir.FullName);
        var task = new TaskTool(client, executor, context, authorizer, catalog ?? new AgentCatalog(AgentDefinition.BuiltIn, []),
            new SubagentOptions { MaxConcurrency = max, ChatOptions = new ChatOptions { ModelId = "parent-model" }, EnvironmentPrompt = "ENV" });
        registry.Register(task);
        return new Setup(new AgentLoop(client, executor, context, authorizer), task, registry);
    }

    private static FunctionCallContent TaskCall(string id, string prompt, string type = "general-purpose") =>
        RoutingChatClient.Call(id, "Task", ("description", "a task"), ("prompt", prompt), ("subagent_type", type));

    private sealed class NamedTool(string name) : ITool
    {
        public string Name => name;

        public string Description => "test tool";

        public ToolCategory Category => ToolCategory.Other;

        public ToolSchema Schema { get; } = ToolSchema.Empty;

        public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
            System.Threading.Tasks.Task.FromResult(ToolResult.Ok(name + " ran"));
    }

    [Fact]
    public async Task Execute_ReturnsTheSubagentsFinalAnswerToTheParentsNextRequest()
    {
        var client = new RoutingChatClient((request, _, _) => System.Threading.Tasks.Task.FromResult(
            IsParent(request)
                ? (request[^1].Role == ChatRole.Tool ? RoutingChatClient.Text("parent done") : RoutingChatClient.Calls(TaskCall("t1", "find the config loader")))
                : RoutingChatClient.Text("The loader is in src/config.cs")));
        var setup = Build(client);

        var events = await Collect(setup.Loop.RunAsync(new Conversation(), "go", new AgentOptions { SystemPrompt = ParentPrompt }, cancellationToken: Ct));

        Assert.Equal("parent done", ((TurnFinished)events[^1]).FinalText);
        var parentSecond = client.Requests.Where(r => IsParent(r.Messages)).ElementAt(1).Messages;
        var result = parentSecond[^1].Contents.OfType<FunctionResultContent>().Single();
        Assert.Equal("The loader is in src/config.cs", result.Result);
        var child = client.Requests.Single(r => !IsParent(r.Messages));
        Assert.StartsWith(AgentDefinition.GeneralPurpose.SystemPrompt, child.Messages[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("ENV", child.Messages[0].Text, StringComparison.Ordinal);
        Assert.Equal("find the config loader", child.Messages[1].Text);
        Assert.Equal("parent-model", child.Options!.ModelId);
        var finished = events.OfType<ToolCallFinished>().Single();
        Assert.Equal(10L, finished.Result.Metadata["input_tokens"]);
        Assert.Equal("general-purpose", finished.Result.Metadata["subagent_type"]);
    }

    [Fact]
    public async Task Execute_GivesTheSubagentItsToolSetAndNeverTheTaskTool()
    {
        var client = new RoutingChatClient((request, _, _) => System.Threading.Tasks.Task.FromResult(
            request[^1].Role == ChatRole.Tool ? RoutingChatClient.Text("explored")
            : RoutingChatClient.Calls(TaskCall("t2", "nested"), RoutingChatClient.Call("w1", "Write"))));
        var setup = Build(client, null, 4, null, new NamedTool("Read"), new NamedTool("Grep"), new NamedTool("Write"));
        var args = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["description"] = "d", ["prompt"] = "look", ["subagent_type"] = "Explore" });

        var result = await setup.Task.ExecuteAsync(args, new ToolContext(_dir.FullName), Ct);

        Assert.True(result.Success, result.Error);
        var child = client.Requests[0];
        Assert.Equal(["Grep", "Read"], child.Options!.Tools!.Select(t => t.Name).Order(StringComparer.Ordinal));
        var refused = client.Requests[1].Messages[^1].Contents.OfType<FunctionResultContent>().ToList();
        Assert.All(refused, r => Assert.Contains("not available here", (string)r.Result!, StringComparison.Ordinal));
        Assert.Equal(["Grep", "Read", "Write"], setup.Task.ToolsFor(AgentDefinition.GeneralPurpose).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Execute_AUserDefinedAgentUsesItsPromptToolsAndModel()
    {
        var reviewer = new AgentDefinition("reviewer", "Reviews code", ["Read", "Task"], "opus", "You review code.");
        var client = new RoutingChatClient((_, _, _) => System.Threading.Tasks.Task.FromResult(RoutingChatClient.Text("looks fine")));
        var setup = Build(client, null, 4, new AgentCatalog([.. AgentDefinition.BuiltIn, reviewer], []), new NamedTool("Read"), new NamedTool("Write"));
        var args = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["description"] = "d", ["prompt"] = "review", ["subagent_type"] = "reviewer" });

        var result = await setup.Task.ExecuteAsync(args, new ToolContext(_dir.FullName), Ct);

        Assert.Equal("looks fine", result.Output);
        var child = Assert.Single(client.Requests);
        Assert.StartsWith("You review code.", child.Messages[0].Text, StringComparison.Ordinal);
        Assert.Equal(["Read"], child.Options!.Tools!.Select(t => t.Name));
        Assert.Equal("opus", child.Options.ModelId);
        Assert.Contains("- reviewer: Reviews code (Tools: Read, Task)", setup.Task.Description, StringComparison.Ordinal);
        Assert.Contains("- Explore:", setup.Task.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_WhenTheSubagentFails_ReturnsAFailureNamingIt()
    {
        var client = new RoutingChatClient((_, _, _) => throw new HttpRequestException("model unreachable"));
        var setup = Build(client);
        var args = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["description"] = "d", ["prompt"] = "x", ["subagent_type"] = "Plan" });

        var result = await setup.Task.ExecuteAsync(args, new ToolContext(_dir.FullName), Ct);

        Assert.False(result.Success);
        Assert.Contains("Plan subagent failed: model unreachable", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ShortNames_AreExactlyThoseFindResolvesToAPluginAgent()
    {
        // Unique short names, one shared by two plugins (ambiguous), one shadowed by a user agent, case variants of one
        // plugin agent, a name ending in ':' and one starting with ':'.
        string[] names =
        [
            "p1:review", "p2:review", "p1:lint", "p3:Lint2", "p4:lint2", "p5:explore", "p6:solo", "P7:Case", "p7:case",
            "p8:", ":odd", "a:b:deep", "p9:Unique",
        ];
        var agents = AgentDefinition.BuiltIn.AddRange(names.Select(n => new AgentDefinition(n, "d", null, null, "prompt")))
            .Add(new AgentDefinition("explore", "user agent", null, null, "prompt"));
        var catalog = new AgentCatalog(agents, []);
        var expected = agents.Select(a => a.Name).Where(n => n.Contains(':', StringComparison.Ordinal)).Select(n => n[(n.LastIndexOf(':') + 1)..])
            .Distinct(StringComparer.OrdinalIgnoreCase).Where(s => catalog.Find(s) is { } found && found.Name.Contains(':', StringComparison.Ordinal)).ToList();

        var shortNames = TaskTool.ShortNames(catalog).ToList();

        Assert.Equal(["lint", "solo", "deep", "Unique"], expected);
        Assert.Equal(expected, shortNames);
    }

    [Fact]
    public void Schema_OffersEveryAgentByFullNameAndTheUnambiguousPluginAgentsByShortName()
    {
        var catalog = new AgentCatalog(AgentDefinition.BuiltIn.AddRange(
            new[] { "p1:review", "p2:review", "p1:lint" }.Select(n => new AgentDefinition(n, "d", null, null, "prompt"))), []);
        var setup = Build(new RoutingChatClient((_, _, _) => throw new InvalidOperationException("not called")), catalog: catalog);

        var offered = setup.Task.Schema.JsonSchema.GetProperty("properties").GetProperty("subagent_type").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()).ToList();

        Assert.Equal([.. catalog.Agents.Select(a => a.Name), "lint"], offered);
    }

    [Fact]
    public async Task Schema_RefusesAnUnknownSubagentType()
    {
        var setup = Build(new RoutingChatClient((_, _, _) => throw new InvalidOperationException("not called")));
        var args = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["description"] = "d", ["prompt"] = "x", ["subagent_type"] = "nope" });

        var result = await new ToolExecutor(setup.Registry).ExecuteAsync("Task", args, new ToolContext(_dir.FullName), Ct);

        Assert.False(result.Success);
        Assert.Contains("subagent_type", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_ParallelCallsRunConcurrentlyUpToTheBound()
    {
        const int calls = 5;
        const int bound = 2;
        var gate = new object();
        var inside = 0;
        var started = 0;
        var max = 0;
        var waiting = new List<TaskCompletionSource>();
        var client = new RoutingChatClient(async (request, _, ct) =>
        {
            if (IsParent(request))
            {
                return request[^1].Role == ChatRole.Tool
                    ? RoutingChatClient.Text("all done")
                    : RoutingChatClient.Calls([.. Enumerable.Range(0, calls).Select(i => TaskCall($"t{i}", $"job {i}"))]);
            }
            var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                inside++;
                started++;
                max = Math.Max(max, inside);
                waiting.Add(mine);
                // Proceed once the bound is reached (proves the overlap), or when no other subagent can still come.
                if (inside == bound || started == calls)
                {
                    waiting.ForEach(w => w.TrySetResult());
                    waiting.Clear();
                }
            }
            await mine.Task.WaitAsync(ct);
            lock (gate)
            {
                inside--;
            }
            return RoutingChatClient.Text("answer to " + request[^1].Text);
        });
        var setup = Build(client, null, bound);

        var events = await Collect(setup.Loop.RunAsync(new Conversation(), "go", new AgentOptions { SystemPrompt = ParentPrompt }, cancellationToken: Ct));

        Assert.Equal("all done", ((TurnFinished)events[^1]).FinalText);
        Assert.Equal(bound, max);
        Assert.Equal(bound, setup.Task.MaxObservedConcurrency);
        var results = client.Requests.Last(r => IsParent(r.Messages)).Messages[^1].Contents.OfType<FunctionResultContent>().ToList();
        Assert.Equal(Enumerable.Range(0, calls).Select(i => $"answer to job {i}"), results.Select(r => (string)r.Result!));
    }

    private sealed class DenyWrites : IToolCallAuthorizer
    {
        public List<string> Asked { get; } = [];

        public ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
        {
            lock (Asked)
            {
                Asked.Add(toolName);
            }
            return ValueTask.FromResult(toolName == "Write" ? ToolCallAuthorization.Deny("Write is denied by the parent's rules") : ToolCallAuthorization.Allow());
        }
    }

    [Fact]
    public async Task Execute_TheSubagentsCallsPassTheParentsAuthorizer()
    {
        var file = Path.Combine(_dir.FullName, "secret.txt");
        var client = new RoutingChatClient((request, _, _) => System.Threading.Tasks.Task.FromResult(
            request[^1].Role == ChatRole.Tool ? RoutingChatClient.Text("could not write")
            : RoutingChatClient.Calls(RoutingChatClient.Call("w1", "Write", ("file_path", file), ("content", "x")))));
        var authorizer = new DenyWrites();
        var setup = Build(client, authorizer, 4, null, [.. BuiltInTools.CreateFileTools(new FileReadTracker())]);
        var args = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["description"] = "d", ["prompt"] = "write it", ["subagent_type"] = "general-purpose" });

        var result = await setup.Task.ExecuteAsync(args, new ToolContext(_dir.FullName), Ct);

        Assert.Equal("could not write", result.Output);
        Assert.False(File.Exists(file));
        Assert.Equal(["Write"], authorizer.Asked);
        Assert.Contains("denied by the parent's rules", (string)client.Requests[1].Messages[^1].Contents.OfType<FunctionResultContent>().Single().Result!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_AReadOnlySubagentMayNotRunAWritingShellCommand()
    {
        var client = new RoutingChatClient((request, _, _) => System.Threading.Tasks.Task.FromResult(
            request[^1].Role == ChatRole.Tool ? RoutingChatClient.Text("ok")
            : RoutingChatClient.Calls(RoutingChatClient.Call("b1", "Bash", ("command", "rm -rf src")))));
        var bash = new NamedTool("Bash");
        var setup = Build(client, null, 4, null, bash);
        var args = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["description"] = "d", ["prompt"] = "x", ["subagent_type"] = "Explore" });

        await setup.Task.ExecuteAsync(args, new ToolContext(_dir.FullName), Ct);

        var refused = (string)client.Requests[1].Messages[^1].Contents.OfType<FunctionResultContent>().Single().Result!;
        Assert.Contains("this agent is read-only", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_AChildsEditAndTheParentsEditOfOneFileBothApply()
    {
        // The parent edits "alpha" while its subagent edits "omega" in the same file, concurrently (Task is not exclusive,
        // so the scheduler overlaps it with the parent's Edit). The shared FileMutationGate serializes the two
        // read-check-write sequences: neither edit is lost.
        var file = Path.Combine(_dir.FullName, "shared.txt");
        await File.WriteAllTextAsync(file, "alpha\nmiddle\nomega\n", Ct);
        var tracker = new FileReadTracker();
        var tools = BuiltInTools.CreateFileTools(tracker);
        var client = new RoutingChatClient((request, _, _) =>
        {
            var last = request[^1];
            if (IsParent(request))
            {
                return System.Threading.Tasks.Task.FromResult(
                    request.Count == 2 ? RoutingChatClient.Calls(RoutingChatClient.Call("r0", "Read", ("file_path", file)))
                    : request.Count == 4 ? RoutingChatClient.Calls(
                        TaskCall("t1", "edit omega"),
                        RoutingChatClient.Call("e1", "Edit", ("file_path", file), ("old_string", "alpha"), ("new_string", "ALPHA")))
                    : RoutingChatClient.Text("both done"));
            }
            return System.Threading.Tasks.Task.FromResult(
                request.Count == 2 ? RoutingChatClient.Calls(RoutingChatClient.Call("r1", "Read", ("file_path", file)))
                : request.Count == 4 ? RoutingChatClient.Calls(RoutingChatClient.Call("e2", "Edit", ("file_path", file), ("old_string", "omega"), ("new_string", "OMEGA")))
                : RoutingChatClient.Text("child done"));
        });
        var setup = Build(client, null, 4, null, [.. tools]);

        var events = await Collect(setup.Loop.RunAsync(new Conversation(), "go", new AgentOptions { SystemPrompt = ParentPrompt }, cancellationToken: Ct));

        Assert.Equal("both done", ((TurnFinished)events[^1]).FinalText);
        var edits = events.OfType<ToolCallFinished>().Where(f => f.ToolName == "Edit").ToList();
        Assert.All(edits, e => Assert.True(e.Result.Success, e.Result.Error));
        Assert.Equal("child done", events.OfType<ToolCallFinished>().Single(f => f.ToolName == "Task").Result.Output);
        Assert.Equal("ALPHA\nmiddle\nOMEGA\n", await File.ReadAllTextAsync(file, Ct));
    }

    [Fact]
    public async Task Execute_APluginAgentWhoseFileWasDeleted_FailsNamingTheFileWithoutCallingTheModel()
    {
        var file = Path.Combine(_dir.FullName, "gone.md");
        var gone = new AgentDefinition("p:gone", "Goes away", null, null, "", file) { SystemPromptSource = new CodeForge.Core.Skills.MarkdownBody(file) };
        var client = new RoutingChatClient((_, _, _) => System.Threading.Tasks.Task.FromResult(RoutingChatClient.Text("never")));
        var setup = Build(client, null, 4, new AgentCatalog([.. AgentDefinition.BuiltIn, gone], []));
        var args = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["description"] = "d", ["prompt"] = "x", ["subagent_type"] = "p:gone" });

        var result = await setup.Task.ExecuteAsync(args, new ToolContext(_dir.FullName), Ct);

        Assert.False(result.Success);
        Assert.Contains("The p:gone subagent cannot start", result.Error, StringComparison.Ordinal);
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
        Assert.Empty(client.Requests);
    }
}
