using System.Collections.Immutable;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using CodeForge.Core.Tools;
using CodeForge.Mcp.Config;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace CodeForge.Mcp.Client;

/// <summary>
/// One configured server: starts it on first use, keeps the live client and its tools, restarts it after a crash, and
/// closes it on disposal. See <see cref="McpClientManager"/> for the contract.
/// </summary>
internal sealed class McpServerConnection : IAsyncDisposable
{
    private readonly McpClientManagerOptions _options;
    private readonly CancellationToken _shutdown;
    private readonly SemaphoreSlim _gate = new(1, 1); // serializes start, restart and disposal (held across awaits; not a lock)
    private volatile Live? _live;
    private volatile string? _startError;
    private volatile bool _starting;
    private volatile bool _disposed;
    private int _starts;

    public McpServerConnection(McpServerConfig config, McpClientManagerOptions options, CancellationToken shutdown)
    {
        Config = config;
        _options = options;
        _shutdown = shutdown;
        _startError = config.Error;
    }

    public McpServerConfig Config { get; }

    /// <summary>A running client, its tools and its generation (1 for the first start, 2 after one restart, …).</summary>
    internal sealed record Live(McpClient Client, ImmutableArray<Tool> Tools, ImmutableArray<McpToolInfo> ToolInfos, int Generation)
    {
        public bool IsAlive => !Client.Completion.IsCompleted;
    }

    /// <summary>The live client, or null when not started, failed or dead.</summary>
    public Live? Current => _live is { IsAlive: true } live ? live : null;

    public McpServerStatus Status
    {
        get
        {
            var live = _live;
            var starts = Volatile.Read(ref _starts);
            if (live is not null && live.IsAlive)
            {
                return new McpServerStatus(Config.Name, McpServerState.Connected, null, live.ToolInfos, starts);
            }
            if (_starting)
            {
                return new McpServerStatus(Config.Name, McpServerState.Starting, null, [], starts);
            }
            if (_startError is { } error)
            {
                return new McpServerStatus(Config.Name, McpServerState.Failed, error, [], starts);
            }
            return live is null
                ? new McpServerStatus(Config.Name, McpServerState.NotStarted, null, [], starts)
                : new McpServerStatus(Config.Name, McpServerState.Failed, $"the server stopped ({DescribeCompletion(live)}); it is restarted on next use", [], starts);
        }
    }

    /// <summary>Returns the live client, starting (or restarting a dead) one first. A start failure is sticky.</summary>
    public async Task<Live> EnsureStartedAsync(CancellationToken cancellationToken)
    {
        var live = _live;
        if (live is not null && live.IsAlive)
        {
            return live;
        }
        return await StartOrReplaceAsync(live, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a new client unless the current one is no longer <paramref name="expected"/> (someone else already
    /// replaced it) and is alive; the old one is closed first. Exactly one start runs at a time.
    /// </summary>
    private async Task<Live> StartOrReplaceAsync(Live? expected, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var gated = !_options.StartGateSkippedForTests;
        if (gated)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = _live;
            if (current is not null && current != expected && current.IsAlive)
            {
                return current; // another caller started or restarted it meanwhile
            }
            if (current is null && _startError is { } error)
            {
                throw new McpServerUnavailableException(Config.Name, error);
            }
            if (current is not null)
            {
                _live = null;
                await DisposeQuietlyAsync(current.Client).ConfigureAwait(false);
            }
            _starting = true;
            try
            {
                var started = await StartAsync(cancellationToken).ConfigureAwait(false);
                _live = started;
                _startError = null;
                return started;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var message = ex is McpServerUnavailableException u ? u.Reason : Explain(ex);
                _startError = message;
                throw new McpServerUnavailableException(Config.Name, message, ex);
            }
            finally
            {
                _starting = false;
            }
        }
        finally
        {
            if (gated)
            {
                _gate.Release();
            }
        }
    }

    private async Task<Live> StartAsync(CancellationToken cancellationToken)
    {
        var generation = Interlocked.Increment(ref _starts);
        var stderr = new StandardErrorTail();
        IClientTransport transport = Config.Transport switch
        {
            McpTransportKind.Stdio => new ExitReportingClientTransport(new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = Config.Name,
                Command = Config.Command!,
                Arguments = [.. Config.Args],
                EnvironmentVariables = Config.Env.ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal),
                WorkingDirectory = _options.WorkingDirectory,
                ShutdownTimeout = _options.ShutdownTimeout,
                StandardErrorLines = stderr.Add,
            }), SendFailureGrace, TimeProvider.System),
            _ => new HttpClientTransport(new HttpClientTransportOptions
            {
                Name = Config.Name,
                Endpoint = new Uri(Config.Url!),
                TransportMode = Config.Transport == McpTransportKind.Sse ? HttpTransportMode.Sse : HttpTransportMode.StreamableHttp,
                AdditionalHeaders = Config.Headers.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase),
                ConnectionTimeout = _options.StartupTimeout,
            }),
        };
        if (Config.Transport == McpTransportKind.Stdio && _options.ClientFactoryForTests is null && !CommandExists(Config.Command!, _options.WorkingDirectory))
        {
            throw new McpServerUnavailableException(Config.Name, $"command \"{Config.Command}\" was not found (not a file, and not on PATH)");
        }
        using var timeout = new CancellationTokenSource(_options.StartupTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _shutdown);
        McpClient? client = null;
        try
        {
            client = _options.ClientFactoryForTests is { } createForTests
                ? await createForTests(Config, linked.Token).ConfigureAwait(false)
                : await CreateBoundedAsync(token => McpClient.CreateAsync(transport, new McpClientOptions
                {
                    ClientInfo = new Implementation { Name = "forge", Version = _options.ClientVersion },
                    // The start-up timeout is ours alone (the token below, on the options' TimeProvider, same duration): a
                    // second copy on the SDK's real clock would race it and could fail a start with another message.
                    InitializationTimeout = Timeout.InfiniteTimeSpan,
                }, loggerFactory: null, token), linked.Token).ConfigureAwait(false);
            var tools = await client.ListToolsAsync(cancellationToken: linked.Token).ConfigureAwait(false);
            var protocolTools = tools.Select(t => t.ProtocolTool).ToImmutableArray();
            var infos = protocolTools.Select(t => new McpToolInfo(McpToolNames.Format(Config.Name, t.Name), t.Name, t.Description ?? "")).ToImmutableArray();
            return new Live(client, protocolTools, infos, generation);
        }
        catch (Exception ex)
        {
            if (client is not null)
            {
                await DisposeQuietlyAsync(client).ConfigureAwait(false);
            }
            if (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !_shutdown.IsCancellationRequested)
            {
                throw new McpServerUnavailableException(Config.Name,
                    string.Create(CultureInfo.InvariantCulture, $"did not start within {_options.StartupTimeout.TotalSeconds:0.###} s (set MCP_TIMEOUT in milliseconds to wait longer){stderr.Describe()}"), ex);
            }
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            // The SDK's exception may already quote the server's stderr (its own tail, or in its message, depending on which
            // of its paths saw the exit first); ours is added only when the text does not hold its last line yet, so the
            // same lines are not quoted twice.
            var reason = InOurWords(Explain(ex));
            throw new McpServerUnavailableException(Config.Name, stderr.IsQuotedIn(reason) ? reason : reason + stderr.Describe(), ex);
        }
    }

    /// <summary>Calls a tool; a crashed server is restarted once for this call.</summary>
    public async Task<ToolResult> CallToolAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
    {
        Live live;
        try
        {
            live = await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (McpServerUnavailableException ex)
        {
            return ToolResult.Fail(ex.Message);
        }
        var request = new CallToolRequestParams { Name = toolName, Arguments = ToArguments(arguments) };
        try
        {
            return await CallOnceAsync(live, request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCrash(ex, live, cancellationToken))
        {
            Live restarted;
            try
            {
                restarted = await StartOrReplaceAsync(live, cancellationToken).ConfigureAwait(false);
            }
            catch (McpServerUnavailableException again)
            {
                return ToolResult.Fail($"MCP server \"{Config.Name}\" stopped ({Explain(ex)}) and could not be restarted: {again.Reason}");
            }
            try
            {
                return await CallOnceAsync(restarted, request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex2) when (IsCrash(ex2, restarted, cancellationToken))
            {
                return ToolResult.Fail($"MCP server \"{Config.Name}\" crashed again after a restart while running \"{toolName}\": {Explain(ex2)}");
            }
        }
    }

    private async Task<ToolResult> CallOnceAsync(Live live, CallToolRequestParams request, CancellationToken cancellationToken)
    {
        try
        {
            var result = await live.Client.CallToolAsync(request, cancellationToken).ConfigureAwait(false);
            return McpResultFormatter.Format(result, _options.MaxOutputTokens);
        }
        catch (McpProtocolException ex)
        {
            return ToolResult.Fail($"MCP server \"{Config.Name}\" refused \"{request.Name}\": {McpResultFormatter.Describe(ex)}");
        }
    }

    private static bool IsCrash(Exception ex, Live live, CancellationToken cancellationToken) =>
        !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        && ex is not McpProtocolException
        && (ex is ClientTransportClosedException or IOException or ObjectDisposedException or McpException || !live.IsAlive);

    private static Dictionary<string, JsonElement> ToArguments(JsonElement arguments)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in arguments.EnumerateObject())
            {
                result[p.Name] = p.Value.Clone();
            }
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        // The manager cancelled _shutdown first, so a start in progress gives up and releases the gate.
        var gated = !_options.StartGateSkippedForTests;
        if (gated)
        {
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            var live = _live;
            _live = null;
            if (live is not null)
            {
                await DisposeQuietlyAsync(live.Client).ConfigureAwait(false);
            }
        }
        finally
        {
            if (gated)
            {
                _gate.Release();
            }
        }
    }

    /// <summary>
    /// <paramref name="create"/> (the SDK's <see cref="McpClient.CreateAsync"/>) on a pool thread, abandoned when
    /// <paramref name="cancellationToken"/> fires even if the call never returns.
    /// </summary>
    /// <remarks>
    /// A .NET 10 runtime race can block the SDK's call forever: when a stdio server exits at once, the SDK's read loop
    /// sees end of output and disposes the process (its stdin pipe) while the first request is being written to that
    /// pipe. The write's first use creates the pipe's socket (<c>SafePipeHandle.CreatePipeSocket</c>), finds the handle
    /// disposed, and disposes the new socket, which spins until a reference is released that only the writer itself
    /// releases after it returns. Seen live (gdb, docs/verification.md §5): <c>forge mcp list</c> with two servers that only
    /// <c>touch</c> a file hung once in 24 runs, with its main thread in that spin. No token reaches the spin, so the call
    /// is started away from the caller's thread and awaited with the start-up timeout: the server then fails as "did not
    /// start within …" instead of hanging forever. The abandoned thread keeps spinning (a <c>Thread.Sleep(1)</c> loop)
    /// until the process exits; a client that completes after all is disposed.
    /// </remarks>
    internal static async Task<McpClient> CreateBoundedAsync(Func<CancellationToken, Task<McpClient>> create, CancellationToken cancellationToken)
    {
        var creating = Task.Run(() => create(cancellationToken), cancellationToken);
        try
        {
            return await creating.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!creating.IsCompleted)
        {
            // Normally the SDK sees the same token and ends soon after, having closed or killed the server: wait for that,
            // so no server outlives a failed start (forge may exit next). Only a call caught by the race never ends; it is
            // given up after the grace (real time: a test clock that is never advanced must not hold it).
            var ended = await Task.WhenAny(creating, Task.Delay(AbandonGrace, TimeProvider.System, CancellationToken.None)).ConfigureAwait(false) == creating;
            if (!ended || creating.IsCompletedSuccessfully)
            {
                _ = DisposeWhenCreatedAsync(creating);
            }
            else
            {
                _ = creating.Exception; // observed: the SDK's own failure after the cancellation
            }
            throw;
        }
    }

    /// <summary>How long a start that timed out may take to end (the SDK closes the server, then kills it after its
    /// 2 s shutdown timeout) before it is abandoned as blocked.</summary>
    private static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a failed send waits for the SDK's read loop to learn that the server exited (it waits for the exit and
    /// drains stderr, each bounded by the shutdown timeout) so the error can say why; see
    /// <see cref="ExitReportingClientTransport"/>.
    /// </summary>
    private TimeSpan SendFailureGrace => (2 * _options.ShutdownTimeout) + TimeSpan.FromSeconds(5);

    private static async Task DisposeWhenCreatedAsync(Task<McpClient> creating)
    {
        try
        {
#pragma warning disable VSTHRD003 // started by CreateBoundedAsync on the pool, never on a caller's context
            await DisposeQuietlyAsync(await creating.ConfigureAwait(false)).ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException or McpException)
        {
            // The abandoned start failed after all: nothing to close.
        }
    }

    private static async Task DisposeQuietlyAsync(McpClient client)
    {
        try
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException or McpException)
        {
            // Closing a broken connection may fail; the process is gone or killed either way.
        }
    }

    private static string DescribeCompletion(Live live)
    {
        var completion = live.Client.Completion;
#pragma warning disable VSTHRD002 // the task has completed: reading its result does not block
        return completion.IsCompletedSuccessfully && completion.Result is StdioClientCompletionDetails { ExitCode: { } code }
            ? $"exit code {code}"
            : "connection closed";
#pragma warning restore VSTHRD002
    }

    private static string Explain(Exception ex) => ex switch
    {
        McpServerUnavailableException u => u.Reason,
        Win32Exception w => $"could not start the command: {w.Message}",
        ClientTransportClosedException { Details: StdioClientCompletionDetails d } =>
            $"the server process exited{(d.ExitCode is { } c ? $" with code {c}" : "")} before answering" +
            (d.StandardErrorTail is { Count: > 0 } tail ? $"; its stderr ended with: {string.Join(" | ", tail.TakeLast(3))}" : ""),
        HttpRequestException h => $"HTTP request failed: {h.Message}",
        _ => ex.Message,
    };

    /// <summary>The SDK's own quote of the server's stderr (its <see cref="IOException"/> when the process exits early).</summary>
    private const string SdkStderrQuote = "Server's stderr tail:";

    /// <summary>
    /// Rewrites the SDK's quote of the server's stderr ("…exited unexpectedly (exit code: 1)\nServer's stderr tail:\n…") as
    /// ours ("; its stderr ended with: a | b"), so a start failure reads the same whichever of the SDK's paths saw the exit.
    /// </summary>
    internal static string InOurWords(string reason)
    {
        var at = reason.IndexOf(SdkStderrQuote, StringComparison.Ordinal);
        if (at < 0)
        {
            return reason;
        }
        var lines = reason[(at + SdkStderrQuote.Length)..]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var head = reason[..at].TrimEnd().TrimEnd('.', ':');
        return lines.Length == 0 ? head : $"{head}; its stderr ended with: {string.Join(" | ", lines.TakeLast(5))}";
    }

    /// <summary>A program name on PATH, or a path that exists (relative to the working directory).</summary>
    private static bool CommandExists(string command, string? workingDirectory)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(Path.GetFullPath(command, workingDirectory ?? Environment.CurrentDirectory));
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, command)));
    }

    /// <summary>The last lines a server wrote on stderr, for error messages.</summary>
    private sealed class StandardErrorTail
    {
        private readonly object _sync = new();
        private readonly Queue<string> _lines = new();

        public void Add(string line)
        {
            lock (_sync)
            {
                _lines.Enqueue(line);
                if (_lines.Count > 5)
                {
                    _lines.Dequeue();
                }
            }
        }

        /// <summary>Whether <paramref name="text"/> already holds the last non-blank line written.</summary>
        public bool IsQuotedIn(string text)
        {
            lock (_sync)
            {
                var last = _lines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
                return last is not null && text.Contains(last.Trim(), StringComparison.Ordinal);
            }
        }

        public string Describe()
        {
            lock (_sync)
            {
                return _lines.Count == 0 ? "" : $"; its stderr ended with: {string.Join(" | ", _lines)}";
            }
        }
    }
}
