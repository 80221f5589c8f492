using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;
using CodeForge.Providers;
using CodeForge.Testing;
using Microsoft.Extensions.AI;

namespace CodeForge.Benchmarks.Agent;

/// <summary>
/// The agent loop's own overhead per tool call, against the local fake model server (OpenAI wire, streamed): one
/// tool turn (model asks for a no-op tool, then answers) through <see cref="AgentLoop"/>, against the same two
/// streamed round trips made with the bare <see cref="IChatClient"/>. The difference is the loop: conversation,
/// events, tool gate, scheduler, executor. Both enqueue the same two scripted turns per operation.
/// </summary>
[MemoryDiagnoser]
public class AgentLoopBenchmarks
{
    private FakeModelServer _server = null!;
    private IChatClient _client = null!;
    private AgentLoop _loop = null!;
    private ChatOptions _options = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await FakeModelServer.StartAsync().ConfigureAwait(false);
        var env = _server.EnvironmentVariables;
        var config = new ProviderResolver(n => env.TryGetValue(n, out var v) ? v : null).Resolve(new ProviderOptions("openai", "gpt-4o"));
        _client = ChatClientFactory.Create(config, new ChatClientFactoryOptions { Retry = RetryOptions.NoRetries });
        var registry = new ToolRegistry();
        registry.Register(new NoOpTool());
        var executor = new ToolExecutor(registry, maxHistory: 16);
        _loop = new AgentLoop(_client, executor, new ToolContext(Path.GetTempPath()));
        _options = new ChatOptions { ModelId = "gpt-4o", Tools = [.. executor.AsAITools(new ToolContext(Path.GetTempPath()))], AllowMultipleToolCalls = true };
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync().ConfigureAwait(false);
    }

    private void Script() => _server.Enqueue(ScriptedTurn.CallTool("noop", """{"value":"x"}""", "call_1"), ScriptedTurn.Reply("done"));

    [Benchmark(Baseline = true, Description = "bare IChatClient: 2 streamed round trips")]
    public async Task<string> BareRoundTrips()
    {
        Script();
        List<ChatMessage> history = [new(ChatRole.User, "go")];
        var first = await _client.GetStreamingResponseAsync(history, _options).ToChatResponseAsync().ConfigureAwait(false);
        history.AddRange(first.Messages);
        var call = first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "ok")]));
        var second = await _client.GetStreamingResponseAsync(history, _options).ToChatResponseAsync().ConfigureAwait(false);
        return second.Text;
    }

    [Benchmark(Description = "AgentLoop: 1 tool call (2 model calls + no-op tool)")]
    public async Task<string> AgentLoopToolTurn()
    {
        Script();
        string text = "";
        await foreach (var e in _loop.RunAsync(new Conversation(), "go", new AgentOptions { ChatOptions = new ChatOptions { ModelId = "gpt-4o" } }).ConfigureAwait(false))
        {
            if (e is TurnFinished finished)
            {
                text = finished.FinalText;
            }
        }
        return text;
    }

    private sealed class NoOpTool : ITool
    {
        public string Name => "noop";

        public string Description => "Does nothing.";

        public ToolCategory Category => ToolCategory.File;

        public ToolSchema Schema => ToolSchema.Empty;

        public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
            Task.FromResult(ToolResult.Ok("ok"));
    }
}
