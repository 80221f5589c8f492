using System.Collections.Concurrent;
using System.Text.Json;
using CodeForge.Core.Tools;
using CodeForge.Coyote.Tests.Infrastructure;
using CodeForge.Mcp.Client;
using CodeForge.Mcp.Config;
using Microsoft.Coyote.Specifications;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace CodeForge.Coyote.Tests.Mcp;

/// <summary>
/// Systematic scheduling of <see cref="McpClientManager"/> (CodeForge.Mcp.dll is rewritten with Core): its connections'
/// first start, restart after a crash and disposal race, over an in-process <see cref="McpClient"/> that answers
/// <c>tools/list</c> and <c>tools/call</c> at once (the <see cref="McpClientManagerOptions.ClientFactoryForTests"/> seam
/// replaces only <c>McpClient.CreateAsync</c> over a real transport; the tool listing and the calls go through the SDK's
/// real client methods). Phase 1: three calls race the first start while an observer reads the status. Phase 2: the server
/// crashes while two calls and a connect run. Phase 3: the server crashes again and a call races the manager's disposal.
/// In every schedule the server is started once per life (1, then 2 at rest), every call succeeds on a live server or
/// (phase 3) fails as disposed, the status never shows Connected without its tools, and at rest every client ever created
/// is closed exactly once but the live one (none after disposal). The real connection without its one-at-a-time gate (the
/// <see cref="McpClientManagerOptions.StartGateSkippedForTests"/> seam) must be caught.
/// </summary>
public sealed class McpClientManagerCoyoteTests
{
    private static readonly JsonElement NoArguments = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>An MCP server in the process: answers at once (the SDK's own awaits never wait), crashes on demand.</summary>
#pragma warning disable MCPEXP002 // Subclassing McpClient is marked experimental by the SDK (2.4.0); it is a test double only.
    private sealed class FakeServer(int generation) : McpClient
#pragma warning restore MCPEXP002
    {
        private readonly TaskCompletionSource<ClientCompletionDetails> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _disposals;

        public int Generation => generation;

        public int Disposals => Volatile.Read(ref _disposals);

        public void Crash() => _completion.TrySetResult(new ClientCompletionDetails());

        public override ServerCapabilities ServerCapabilities { get; } = new() { Tools = new() };

        public override Implementation ServerInfo { get; } = new() { Name = "fake", Version = "1" };

        public override string? ServerInstructions => null;

        public override Task<ClientCompletionDetails> Completion => _completion.Task;

        public override string? SessionId => null;

        public override string? NegotiatedProtocolVersion => "2025-06-18";

        public override Task<JsonRpcResponse> SendRequestAsync(JsonRpcRequest request, CancellationToken cancellationToken = default)
        {
            if (_completion.Task.IsCompleted)
            {
                return Task.FromException<JsonRpcResponse>(new IOException($"server generation {generation} is gone"));
            }
            var result = request.Method switch
            {
                RequestMethods.ToolsList => JsonSerializer.SerializeToNode(new ListToolsResult { Tools = [new Tool { Name = "echo", Description = "echoes" }] }, McpJsonUtilities.DefaultOptions),
                RequestMethods.ToolsCall => JsonSerializer.SerializeToNode(new CallToolResult { Content = [new TextContentBlock { Text = $"gen{generation}" }] }, McpJsonUtilities.DefaultOptions),
                _ => throw new NotSupportedException(request.Method),
            };
            return Task.FromResult(new JsonRpcResponse { Id = request.Id, Result = result });
        }

        public override Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override IAsyncDisposable RegisterNotificationHandler(string method, Func<JsonRpcNotification, CancellationToken, ValueTask> handler) =>
            new NoRegistration();

        public override ValueTask<IDictionary<string, InputResponse>> ResolveInputRequestsAsync(IDictionary<string, InputRequest> inputRequests, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public override ValueTask DisposeAsync()
        {
            Interlocked.Increment(ref _disposals);
            Crash();
            return ValueTask.CompletedTask;
        }

        private sealed class NoRegistration : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private static readonly McpServerConfig Server = new() { Name = "fake", Command = "fake-server", Source = "test" };

    private static async Task Scenario(bool gateSkipped)
    {
        var created = new ConcurrentQueue<FakeServer>();
        var starts = 0;
        var options = new McpClientManagerOptions
        {
            // The start-up timeout's timer never fires: a real one would run on a thread Coyote does not control.
            TimeProvider = new FakeTimeProvider(),
            StartGateSkippedForTests = gateSkipped,
            ClientFactoryForTests = async (config, token) =>
            {
                var server = new FakeServer(Interlocked.Increment(ref starts));
                await Task.Yield(); // the start takes a while: other callers run meanwhile
                token.ThrowIfCancellationRequested();
                created.Enqueue(server);
                return server;
            },
        };
        var manager = new McpClientManager([Server], options);

        string Live() => string.Join(", ", created.Select(s => $"gen{s.Generation}:{(s.Completion.IsCompleted ? "closed" : "open")}x{s.Disposals}"));

        async Task<string> Call()
        {
            var result = await manager.CallToolAsync("fake", "echo", NoArguments);
            Specification.Assert(result.Success, $"a call failed: {result.Error} (clients: {Live()})");
            return result.Output;
        }

        // Phase 1: three first uses race the start; an observer reads the status.
        var first = Enumerable.Range(0, 3).Select(_ => Task.Run(Call)).ToArray();
        var observer = Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                var status = manager.GetStatus("fake");
                Specification.Assert(status.State != McpServerState.Connected || status.Tools.Length == 1,
                    $"status Connected with {status.Tools.Length} tools");
                Specification.Assert(status.State != McpServerState.Failed, $"status Failed: {status.Error}");
                await Task.Yield();
            }
        });
        await Task.WhenAll(first.Append(observer).ToArray());
        Specification.Assert(Volatile.Read(ref starts) == 1, $"three first uses started the server {Volatile.Read(ref starts)} times");
        Specification.Assert((await Task.WhenAll(first)).All(o => o == "gen1"), "a first use was not answered by the first server");

        // Phase 2: the server crashes while two calls and a connect run; it is restarted once.
        var crashed = created.Single(s => s.Generation == 1);
        var second = Enumerable.Range(0, 2).Select(_ => Task.Run(Call)).ToArray();
        var connect = Task.Run(() => manager.ConnectAsync("fake"));
        var crash = Task.Run(crashed.Crash);
        await Task.WhenAll(second.Append<Task>(connect).Append(crash).ToArray());
        var atRest = await manager.ConnectAsync("fake");
        Specification.Assert(atRest.State == McpServerState.Connected && atRest.Starts == 2 && Volatile.Read(ref starts) == 2,
            $"after one crash: {atRest.State}, {atRest.Starts} starts ({Volatile.Read(ref starts)} clients created: {Live()})");
        Specification.Assert(crashed.Disposals == 1, $"the crashed client was closed {crashed.Disposals} times");
        Specification.Assert(created.Count(s => !s.Completion.IsCompleted) == 1, $"open clients after the restart: {Live()}");

        // Phase 3: the server crashes again, and a call (which restarts it) races the manager's disposal.
        created.Single(s => s.Generation == 2).Crash();
        var last = Task.Run(async () =>
        {
            try
            {
                var output = await manager.CallToolAsync("fake", "echo", NoArguments);
                Specification.Assert(output.Success || output.Error!.Contains("disposed", StringComparison.OrdinalIgnoreCase) || output.Error.Contains("cancel", StringComparison.OrdinalIgnoreCase),
                    $"the call racing disposal failed with: {output.Error}");
            }
            catch (ObjectDisposedException)
            {
                // Disposed first: the call is refused.
            }
            catch (OperationCanceledException)
            {
                // Disposed during the restart: the start is cancelled.
            }
        });
        var dispose = Task.Run(() => manager.DisposeAsync().AsTask());
        await Task.WhenAll(new[] { last, dispose }); // an array: the WhenAll(ReadOnlySpan<Task>) overload is not controlled
        Specification.Assert(created.All(s => s.Disposals == 1), $"after disposal every client is closed exactly once: {Live()}");
        Specification.Assert(Volatile.Read(ref starts) - created.Count <= 1, $"{Volatile.Read(ref starts)} starts for {created.Count} clients");
    }

    /// <summary>The SDK's JSON metadata and the scenario's first-time paths, initialised outside Coyote (see WebCache's warm-up).</summary>
    private static void WarmUp()
    {
        var server = new FakeServer(0);
#pragma warning disable VSTHRD002 // the fake answers at once: both tasks have completed when they are read
        _ = server.ListToolsAsync().AsTask().GetAwaiter().GetResult();
        _ = server.CallToolAsync(new CallToolRequestParams { Name = "echo" }).AsTask().GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
    }

    [Fact]
    public void StartsRestartsAndDisposal_RacingCalls_StartOncePerLifeAndCloseEveryClient()
    {
        WarmUp();
        CoyoteRunner.AssertNoBug(() => Scenario(gateSkipped: false), CoyoteStrategy.Random);
    }

    [Fact]
    public void StartsRestartsAndDisposal_WhenTheStartGateIsSkipped_AreCaught()
    {
        WarmUp();
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(gateSkipped: true), CoyoteStrategy.Random);

        Assert.Matches("started the server [2-9] times|after one crash|open clients|closed exactly once|starts for|closed [02-9] times|first use", bug);
    }
}
