using System.Net;
using CodeForge.Testing.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CodeForge.Testing;

/// <summary>Options of a <see cref="FakeModelServer"/>.</summary>
public sealed record FakeModelServerOptions
{
    /// <summary>When set, OpenAI requests must carry <c>Authorization: Bearer {key}</c> and Anthropic requests
    /// <c>x-api-key: {key}</c> or <c>Authorization: Bearer {key}</c>; others get the vendor's 401 without consuming a
    /// scripted turn. Null accepts any key. Ollama requests are never checked.</summary>
    public string? ExpectedApiKey { get; init; }
}

/// <summary>
/// A local model server on 127.0.0.1 (a free port) that speaks the real OpenAI Chat Completions, OpenAI Responses,
/// Anthropic Messages and Ollama chat wire protocols, JSON and streaming, and answers each chat request with the next queued
/// <see cref="ScriptedTurn"/> (replies, parallel tool calls, malformed arguments, unknown tool names, 429 with
/// Retry-After, 5xx, 401, 404, context-length errors, dropped streams). It records every request for assertions.
/// </summary>
/// <remarks>
/// <para>Endpoints: <c>POST /v1/chat/completions</c> (also <c>/chat/completions</c>), <c>POST /v1/responses</c> (also
/// <c>/responses</c>), <c>POST /v1/messages</c>,
/// <c>POST /api/chat</c>. Point clients at <see cref="OpenAIBaseUrl"/>, <see cref="AnthropicBaseUrl"/> and
/// <see cref="OllamaHost"/>, or hand a child process <see cref="EnvironmentVariables"/>.</para>
/// <para>A request that finds the queue empty gets HTTP 400 in the vendor's error shape saying so (and counts in
/// <see cref="UnscriptedRequests"/>), so a test that under-scripts fails at once, with that message.</para>
/// <para>Concurrency contract: every member is safe to call from any thread while requests are being served.
/// Dequeuing a turn and recording a request are each atomic (one lock); concurrent requests each get a distinct
/// turn, in arrival order. <see cref="Requests"/> returns an immutable snapshot in arrival order (its
/// <see cref="RecordedRequest.Sequence"/> numbers start at 1). A request is recorded before its response is written,
/// so once a client call has returned its request is visible. <see cref="DisposeAsync"/> stops the server; requests
/// in flight are aborted.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var server = await FakeModelServer.StartAsync();
/// server.Enqueue(
///     ScriptedTurn.RateLimited(TimeSpan.FromSeconds(2)),
///     ScriptedTurn.CallTools(new("read_file", """{"path":"a.txt"}"""), new("grep", """{"pattern":"x"}""")),
///     ScriptedTurn.Reply("done", new ScriptedUsage(1200, 40, CachedInputTokens: 1000)));
/// // in-process: point a client at server.AnthropicBaseUrl / OpenAIBaseUrl / OllamaHost;
/// // a child process: start it with server.EnvironmentVariables.
/// Assert.Equal(3, server.Requests.Count);
/// Assert.Contains("tool_result", server.Requests[2].Body);
/// </code>
/// </example>
public sealed class FakeModelServer : IAsyncDisposable
{
    /// <summary>The API key that <see cref="EnvironmentVariables"/> hands out.</summary>
    public const string FakeApiKey = "sk-fake-test-key";

    /// <summary>The <see cref="HttpContext.Items"/> key under which a wire finds the <see cref="RecordedRequest"/> it answers.</summary>
    internal const string RequestItemKey = "codeforge.recorded_request";

    private readonly object _gate = new();
    private readonly Queue<ScriptedTurn> _turns = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private readonly FakeModelServerOptions _options;
    private WebApplication? _app;
    private int _unscripted;

    private FakeModelServer(FakeModelServerOptions options) => _options = options;

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The base URL for the Anthropic SDK / <c>ANTHROPIC_BASE_URL</c> (the root, no trailing slash).</summary>
    public string AnthropicBaseUrl => BaseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>The base URL for the OpenAI SDK / <c>OPENAI_BASE_URL</c> (the root plus <c>/v1</c>).</summary>
    public string OpenAIBaseUrl => AnthropicBaseUrl + "/v1";

    /// <summary>The address for OllamaSharp / <c>OLLAMA_HOST</c>.</summary>
    public string OllamaHost => AnthropicBaseUrl;

    /// <summary>Environment for a child process (<c>forge</c>) that should talk to this server: the base URLs and
    /// <see cref="FakeApiKey"/> for OpenAI and Anthropic, and <c>OLLAMA_HOST</c>.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables => new Dictionary<string, string>
    {
        ["OPENAI_BASE_URL"] = OpenAIBaseUrl,
        ["OPENAI_API_KEY"] = FakeApiKey,
        ["ANTHROPIC_BASE_URL"] = AnthropicBaseUrl,
        ["ANTHROPIC_API_KEY"] = FakeApiKey,
        ["OLLAMA_HOST"] = OllamaHost,
    };

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<FakeModelServer> StartAsync(FakeModelServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var server = new FakeModelServer(options ?? new FakeModelServerOptions());
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single();
        server.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        server._app = app;
        return server;
    }

    /// <summary>Queues turns; each chat request consumes the oldest. Returns this server for chaining.</summary>
    public FakeModelServer Enqueue(params ScriptedTurn[] turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        lock (_gate)
        {
            foreach (var turn in turns)
            {
                ArgumentNullException.ThrowIfNull(turn, nameof(turns));
                _turns.Enqueue(turn);
            }
        }
        return this;
    }

    /// <summary>How many queued turns no request has consumed yet.</summary>
    public int PendingTurns
    {
        get
        {
            lock (_gate)
            {
                return _turns.Count;
            }
        }
    }

    /// <summary>How many chat requests found the queue empty (each got an HTTP 400 saying so).</summary>
    public int UnscriptedRequests => Volatile.Read(ref _unscripted);

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> requests have been received.</summary>
    public Task WaitForRequestsAsync(int count, CancellationToken cancellationToken = default)
    {
        Task wait;
        lock (_gate)
        {
            if (_requests.Count >= count)
            {
                return Task.CompletedTask;
            }
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            wait = signal.Task;
        }
        return wait.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        string body;
        using (var reader = new StreamReader(context.Request.Body))
        {
            body = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }
        var path = context.Request.Path.Value ?? "";
        var protocol = path switch
        {
            "/v1/chat/completions" or "/chat/completions" => ModelProtocol.OpenAI,
            "/v1/messages" => ModelProtocol.Anthropic,
            "/api/chat" => ModelProtocol.Ollama,
            "/v1/responses" or "/responses" => ModelProtocol.OpenAIResponses,
            _ => ModelProtocol.Unknown,
        };
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = Record(context.Request.Method, path, protocol, headers, body);
        context.Items[RequestItemKey] = request;

        WireProtocol? wire = protocol switch
        {
            ModelProtocol.OpenAI => OpenAIWire.Instance,
            ModelProtocol.Anthropic => AnthropicWire.Instance,
            ModelProtocol.Ollama => OllamaWire.Instance,
            ModelProtocol.OpenAIResponses => OpenAIResponsesWire.Instance,
            _ => null,
        };
        if (wire is null || !HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync($"FakeModelServer serves POST /v1/chat/completions, /v1/responses, /v1/messages and /api/chat, not {context.Request.Method} {path}", ct).ConfigureAwait(false);
            return;
        }

        var model = request.Model ?? "unknown-model";
        if (_options.ExpectedApiKey is { } key && !wire.HasApiKey(context.Request, key))
        {
            await wire.WriteErrorAsync(context, new ScriptedFault(FaultKind.Unauthorized), model, ct).ConfigureAwait(false);
            return;
        }

        ScriptedTurn? turn;
        lock (_gate)
        {
            turn = _turns.TryDequeue(out var next) ? next : null;
        }
        if (turn is null)
        {
            Interlocked.Increment(ref _unscripted);
            var fault = new ScriptedFault(FaultKind.BadRequest,
                Message: $"FakeModelServer has no scripted turn left for request #{request.Sequence} ({path})");
            await wire.WriteErrorAsync(context, fault, model, ct).ConfigureAwait(false);
            return;
        }

        if (turn.HoldUntil is { } hold)
        {
#pragma warning disable VSTHRD003 // a test's latch, completed by the test
            await hold.WaitAsync(ct).ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }

        switch (turn.Fault?.Kind)
        {
            case null:
                break;
            case FaultKind.DropConnection when !request.Stream:
                context.Abort();
                return;
            case FaultKind.DropConnection or FaultKind.ErrorMidStream when request.Stream:
                break;
            default:
                await wire.WriteErrorAsync(context, turn.Fault, model, ct).ConfigureAwait(false);
                return;
        }

        if (request.Stream)
        {
            await wire.WriteStreamAsync(context, turn, model, ct).ConfigureAwait(false);
        }
        else
        {
            await wire.WriteResponseAsync(context, turn, model, ct).ConfigureAwait(false);
        }
    }

    private RecordedRequest Record(string method, string path, ModelProtocol protocol, Dictionary<string, string> headers, string body)
    {
        List<TaskCompletionSource> released = [];
        RecordedRequest request;
        lock (_gate)
        {
            request = new RecordedRequest(_requests.Count + 1, method, path, protocol, headers, body);
            _requests.Add(request);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_requests.Count >= _waiters[i].Count)
                {
                    released.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }
        foreach (var signal in released)
        {
            signal.TrySetResult();
        }
        return request;
    }
}
