using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using CodeForge.Cli.Composition;
using CodeForge.Cli.Headless;
using CodeForge.Cli.Runtime;
using CodeForge.Core.Agent;
using CodeForge.Core.Hooks;
using CodeForge.Core.Permissions;
using CodeForge.Core.Skills;
using CodeForge.Core.Tools;
using CodeForge.Providers;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// The Agent SDK's session (<c>--input-format stream-json --output-format stream-json</c>): user messages arrive as JSON
/// lines on stdin for as long as it is open, and each runs as one turn of the same session; control requests
/// (<c>initialize</c>, <c>interrupt</c>, <c>set_permission_mode</c>, <c>set_model</c>, <c>mcp_status</c>) are answered
/// while a turn runs; forge's own requests (<c>can_use_tool</c>, <c>hook_callback</c>) go through the
/// <see cref="ControlChannel"/>. Every event is a line in Claude Code's shapes.
/// </summary>
/// <remarks>
/// Concurrency: two flows. The reader (a thread-pool flow) reads stdin line by line and routes each line at once:
/// control requests are answered on the reader's flow, control responses complete their waiter, user turns go into an
/// unbounded channel. The turn flow (the caller's) takes turns from that channel one at a time. What the reader changes
/// for the turn flow is either thread-safe by itself (permission checker, hook registry, the channel) or handed over in
/// a volatile field (<see cref="_turn"/>, the system prompt from <c>initialize</c>). The model is switched only between
/// turns: <c>set_model</c> goes into the turn queue behind the messages read before it. The SDK's <c>agents</c> (from
/// <c>initialize</c>) rebuild the Task tool: at once when no user turn was read yet (so none runs), else queued the same
/// way; <c>--agent</c> is looked up on the turn flow before the first turn, after the <c>initialize</c> that may define it.
/// A <c>--fallback-model</c> switch is written as a line from the agent loop's flow (the channel serializes lines). When stdin ends, the channel's
/// pending requests fail at once (so a turn waiting for <c>can_use_tool</c> goes on with a denial), the turn that runs
/// finishes, queued turns run, and the session ends.
/// </remarks>
internal sealed class StreamJsonSession
{
    private readonly StreamJsonArgs _args;
    private readonly TextWriter _stderr;
    private readonly Func<string, string?> _environment;
    private readonly ControlChannel _channel;
    private readonly TextWriter _stdout;
    private readonly SdkHooks _sdkHooks = new(BashHookProcessRunner.Instance);
    // User turns and model switches, in the order they were read: a set_model applies after the turns sent before it.
    private readonly Channel<InboundMessage> _turns = Channel.CreateUnbounded<InboundMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private ForgeRuntime _runtime = null!;
    private FlagMcpServers _mcp = null!;
    private volatile CancellationTokenSource? _turn;
    private volatile string? _systemPrompt;
    private volatile string? _appendSystemPrompt;
    private volatile StructuredOutputTool? _structured;
    private volatile Task _sdkMcpReady = Task.CompletedTask;
    private ImmutableArray<string> _sdkMcpNames = [];
    private bool _started;
    private int _turnsRead; // the reader's own count of user turns read

    private StreamJsonSession(StreamJsonArgs args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        _args = args;
        _stderr = stderr;
        _environment = environment;
        _channel = new ControlChannel(stdout, stderr, args.Debug);
        _stdout = stdout;
        _systemPrompt = args.SystemPrompt;
    }

    /// <summary>Runs the session until stdin ends (or, with a prompt argument, for that one turn). Exit code: 0, or 1 when
    /// the runtime could not be built.</summary>
    public static async Task<int> RunAsync(StreamJsonArgs args, TextReader stdin, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        // Events, control responses and forge's requests come from several flows: one line at a time.
        var output = TextWriter.Synchronized(stdout);
        var session = new StreamJsonSession(args, output, TextWriter.Synchronized(stderr), environment);
        return await session.RunAsync(stdin, ct).ConfigureAwait(false);
    }

    /// <summary>The MCP servers the SDK is shown: configured, --mcp-config / initialize, and its own in-process ones.</summary>
    private IEnumerable<Mcp.Client.McpServerStatus> McpStatuses =>
        _mcp.Statuses.Concat(ImmutableInterlocked.InterlockedCompareExchange(ref _sdkMcpNames, [], [])
            .Select(n => new Mcp.Client.McpServerStatus(n, Mcp.Client.McpServerState.Connected, null, [], 1)));

    private async Task<int> RunAsync(TextReader stdin, CancellationToken ct)
    {
        StructuredOutputTool? structured = null;
        if (_args.JsonSchema is { } schemaText)
        {
            try
            {
                structured = StructuredOutputTool.FromText(schemaText);
            }
            catch (ArgumentException ex)
            {
                await _stderr.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }
        // --agent is looked up when the first turn starts: the SDK's initialize may define it (options.agents).
        var runtime = await ForgeRuntime.CreateAsync(_args.Options with { HookProcesses = _sdkHooks.ProcessRunner, MainAgent = null }, _stderr, _environment,
            _args.PermissionPromptStdio ? (checker, _) => new SdkPermissionPrompt(_channel, checker, InterruptTurn) : null, ct).ConfigureAwait(false);
        if (runtime is null)
        {
            return 1;
        }
        await using (runtime.ConfigureAwait(false))
        {
            _runtime = runtime;
            // Problems found from now on (hooks, settings changes): on stderr as before, and as a system/diagnostic line.
            runtime.Diagnostics.Attach(d =>
            {
                DiagnosticLog.WriteText(_stderr, d);
                _channel.WriteLine(w => DiagnosticJson.WriteEvent(w, d, runtime.Session.Id));
            });
            // Settings edited while the session runs apply to the next tool call / turn, announced as system/settings_changed.
            runtime.WatchSettings(change => _channel.WriteLine(w => StreamJsonWriter.WriteSettingsChanged(w, change, runtime.Session.Id)));
            _sdkHooks.Attach(_channel);
            runtime.Retries.AttachFallback(f => _channel.WriteLine(w => f.Write(w, runtime.Session.Id)));
            _mcp = await FlagMcpServers.StartAsync(runtime, _args.McpConfigs, _args.StrictMcpConfig, _environment, _stderr, ct).ConfigureAwait(false);
            await using var mcp = _mcp.ConfigureAwait(false);
            if (structured is not null)
            {
                UseStructuredOutput(structured);
            }
            if (_args.Tools is { } tools)
            {
                var unknown = tools.Where(t => !runtime.Registry.Exists(t)).ToList();
                if (unknown.Count > 0)
                {
                    await _stderr.WriteLineAsync($"forge: --tools: no tool named {string.Join(", ", unknown)}; known: {string.Join(", ", runtime.Registry.ListNames())}").ConfigureAwait(false);
                    return 1;
                }
            }
            if (_args.Prompt is { } prompt)
            {
                _turns.Writer.TryWrite(new UserTurn(prompt, default));
                _turns.Writer.TryComplete();
            }
            else
            {
                // The reader runs on its own flow: a console stdin read blocks its thread.
                _ = Task.Run(() => ReadAsync(stdin, ct), CancellationToken.None);
            }
            await foreach (var item in _turns.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (ct.IsCancellationRequested)
                {
                    break;
                }
                if (item is AgentsUpdate update)
                {
                    _runtime.AddAgents(update.Agents);
                }
                else if (item is ModelSwitch change)
                {
                    await SwitchModelAsync(change.Model).ConfigureAwait(false);
                }
                else if (item is UserTurn turn)
                {
                    if (!_started && _args.Options.MainAgent is { } agent && !runtime.UseMainAgent(agent))
                    {
                        return 1; // like Claude Code: an --agent no one defines ends the run (the reason is on stderr)
                    }
                    await RunTurnAsync(turn, ct).ConfigureAwait(false);
                }
            }
            if (_started)
            {
                await runtime.Hooks.EndAsync("other", CancellationToken.None).ConfigureAwait(false);
            }
            return 0;
        }
    }

    /// <summary>Reads stdin to its end, routing each line; then fails forge's pending requests and ends the turn queue.</summary>
    private async Task ReadAsync(TextReader stdin, CancellationToken ct)
    {
        long lineNumber = 0;
        try
        {
            while (await stdin.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                await RouteAsync(InboundMessage.Parse(line, lineNumber), ct).ConfigureAwait(false);
            }
            _channel.Debug($"stdin ended after {lineNumber} lines");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            InterruptTurn();
        }
        catch (IOException ex)
        {
            await _stderr.WriteLineAsync($"forge: reading stdin failed: {ex.Message}").ConfigureAwait(false);
        }
        finally
        {
            _channel.Close("stdin closed before the SDK answered");
            _turns.Writer.TryComplete();
        }
    }

    internal async Task RouteAsync(InboundMessage message, CancellationToken ct)
    {
        switch (message)
        {
            case UserTurn turn:
                _turnsRead++;
                _turns.Writer.TryWrite(turn);
                break;
            case ControlRequest request:
                await HandleRequestAsync(request, ct).ConfigureAwait(false);
                break;
            case ControlResponse response:
                _channel.Complete(response);
                break;
            case ControlCancel cancel:
                _channel.Debug($"control_cancel_request for '{cancel.RequestId}': forge runs no cancellable request of the SDK's; ignored");
                break;
            case KeepAlive:
                break;
            case MalformedLine bad:
                await _stderr.WriteLineAsync($"forge: {bad.Reason}; line ignored, the session goes on").ConfigureAwait(false);
                _channel.WriteLine(w =>
                {
                    w.WriteString("type", "system");
                    w.WriteString("subtype", "error");
                    w.WriteString("error", bad.Reason);
                    w.WriteNumber("line", bad.LineNumber);
                    w.WriteString("session_id", _runtime.Session.Id);
                    w.WriteString("uuid", Guid.NewGuid().ToString());
                });
                break;
        }
    }

    private async Task HandleRequestAsync(ControlRequest request, CancellationToken ct)
    {
        try
        {
            switch (request.Subtype)
            {
                case "initialize":
                    await InitializeAsync(request, ct).ConfigureAwait(false);
                    break;
                case "interrupt":
                    InterruptTurn();
                    _channel.RespondSuccess(request.RequestId);
                    break;
                case "set_permission_mode":
                    SetPermissionMode(request);
                    break;
                case "set_model":
                    SetModel(request);
                    break;
                case "mcp_status":
                    _channel.RespondSuccess(request.RequestId, w => SdkDescriptions.WriteMcpStatus(w, McpStatuses));
                    break;
                case "end_session":
                    InterruptTurn();
                    _turns.Writer.TryComplete();
                    _channel.RespondSuccess(request.RequestId);
                    break;
                default:
                    _channel.RespondError(request.RequestId, $"Unsupported control request subtype: {(request.Subtype.Length == 0 ? "(none)" : request.Subtype)}");
                    break;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException or KeyNotFoundException)
        {
            _channel.RespondError(request.RequestId, ex.Message);
        }
    }

    private async Task InitializeAsync(ControlRequest request, CancellationToken ct)
    {
        var r = request.Request;
        var problems = new List<string>();
        var hooksApplied = false;
        if (r.TryGetProperty("hooks", out var hooks) && hooks.ValueKind == JsonValueKind.Object)
        {
            var (definitions, hookProblems) = SdkHooks.Parse(hooks);
            problems.AddRange(hookProblems);
            _runtime.SetSdkHooks(definitions);
            hooksApplied = true;
        }
        if (r.TryGetProperty("systemPrompt", out var system) && system.ValueKind is JsonValueKind.Array or JsonValueKind.String)
        {
            _systemPrompt = system.ValueKind == JsonValueKind.String ? system.GetString() : string.Join("\n\n", system.EnumerateArray().Select(s => s.GetString()));
        }
        if (InboundMessage.String(r, "appendSystemPrompt") is { } append)
        {
            _appendSystemPrompt = append;
        }
        if (r.TryGetProperty("jsonSchema", out var schema) && schema.ValueKind == JsonValueKind.Object)
        {
            UseStructuredOutput(new StructuredOutputTool(schema));
        }
        if (r.TryGetProperty("agents", out var agents) && agents.ValueKind == JsonValueKind.Object && agents.EnumerateObject().Any())
        {
            // The SDK's agents join the run's subagent types; the Task tool is rebuilt between turns (queued like set_model).
            var (sdkAgents, error) = FlagAgents.Parse(agents, "initialize agents");
            if (error is not null)
            {
                problems.Add($"{error}; no agent of the SDK's was added");
            }
            else if (_turnsRead == 0)
            {
                _runtime.AddAgents(sdkAgents); // no turn was read yet, so none runs: applied now, listed in the answer
            }
            else
            {
                _turns.Writer.TryWrite(new AgentsUpdate(sdkAgents));
            }
        }
        // In-process SDK MCP servers: tools from their manifests now, or after a handshake the first turn waits for.
        _sdkMcpReady = SdkMcpServers.RegisterAsync(r, _channel, _runtime.Registry, _stderr, ct);
        if (r.TryGetProperty("sdkMcpServers", out var sdkServers) && sdkServers.ValueKind == JsonValueKind.Array)
        {
            ImmutableInterlocked.InterlockedExchange(ref _sdkMcpNames, [.. sdkServers.EnumerateArray().Select(n => n.GetString()).OfType<string>()]);
        }
        var mcpServersSent = r.TryGetProperty("mcpServers", out var mcpServers) && mcpServers.ValueKind == JsonValueKind.Object;
        if (mcpServersSent)
        {
            // The SDK sends its process MCP servers here (with --await-initialize); they start before the answer.
            await _mcp.AddAsync([StreamJsonWriter.ToJson(w =>
            {
                w.WritePropertyName("mcpServers");
                mcpServers.WriteTo(w);
            })], _environment, _stderr, ct).ConfigureAwait(false);
        }
        foreach (var p in problems)
        {
            await _stderr.WriteLineAsync($"forge: {p}").ConfigureAwait(false);
        }
        _channel.RespondSuccess(request.RequestId, w =>
        {
            SdkDescriptions.WriteInitializeResponse(w, _runtime);
            w.WriteBoolean("hooks_applied", hooksApplied);
            w.WriteBoolean("hook_on_failure_supported", false);
            if (mcpServersSent)
            {
                w.WriteBoolean("mcp_servers_applied", true);
            }
            w.WriteBoolean("settings_applied", false);
            w.WriteBoolean("plugins_applied", false);
        });
    }

    private void SetPermissionMode(ControlRequest request)
    {
        var text = InboundMessage.String(request.Request, "mode");
        if (!PermissionModes.TryParse(text, out var mode))
        {
            _channel.RespondError(request.RequestId, $"Unknown permission mode '{text}' (default, acceptEdits, plan, dontAsk, bypassPermissions)");
            return;
        }
        if (mode == PermissionMode.BypassPermissions && _runtime.CurrentSettings.DisableBypassPermissionsMode)
        {
            _channel.RespondError(request.RequestId, "bypassPermissions mode is disabled by disableBypassPermissionsMode");
            return;
        }
        _runtime.Checker.SetMode(mode);
        _channel.RespondSuccess(request.RequestId, w => w.WriteString("mode", mode.ToSettingsName()));
    }

    private void SetModel(ControlRequest request)
    {
        var model = InboundMessage.String(request.Request, "model") is { Length: > 0 } m && m != "default" ? m : _args.Options.Model ?? _runtime.Provider.Model;
        // Queued behind the turns read before it (the model changes only between turns); a bad name is reported then.
        _turns.Writer.TryWrite(new ModelSwitch(model));
        _channel.RespondSuccess(request.RequestId);
    }

    private async Task SwitchModelAsync(string model)
    {
        try
        {
            _runtime.SetModel(model, _environment);
        }
        catch (ArgumentException ex)
        {
            await _stderr.WriteLineAsync($"forge: set_model {model}: {ex.Message}").ConfigureAwait(false);
            _channel.WriteLine(w =>
            {
                w.WriteString("type", "system");
                w.WriteString("subtype", "error");
                w.WriteString("error", $"set_model {model}: {ex.Message}");
                w.WriteString("session_id", _runtime.Session.Id);
                w.WriteString("uuid", Guid.NewGuid().ToString());
            });
        }
    }

    private void UseStructuredOutput(StructuredOutputTool tool)
    {
        if (_structured is { } old)
        {
            _runtime.Registry.Deregister(old.Name);
        }
        _runtime.Registry.Register(tool);
        _runtime.Checker.AddSessionRule(PermissionBehavior.Allow, StructuredOutputTool.ToolName);
        _structured = tool;
    }

    /// <summary>Cancels the running turn, if any (interrupt, a deny with <c>interrupt: true</c>, Ctrl-C).</summary>
    private void InterruptTurn()
    {
        try
        {
            _turn?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The turn ended meanwhile: nothing to interrupt.
        }
    }

    private async Task RunTurnAsync(UserTurn turn, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _turn = cts;
        try
        {
            await RunOneTurnAsync(turn, cts).ConfigureAwait(false);
        }
        finally
        {
            _turn = null;
        }
    }

    private async Task RunOneTurnAsync(UserTurn turn, CancellationTokenSource cts)
    {
        var runtime = _runtime;
        var sessionId = runtime.Session.Id;
        SdkDescriptions.WriteInit(_channel, runtime, McpStatuses, Program.InformationalVersion);
        if (_args.ReplayUserMessages && turn.Raw.ValueKind == JsonValueKind.Object)
        {
            _channel.WriteLine(w =>
            {
                w.WriteString("type", "user");
                w.WritePropertyName("message");
                turn.Raw.GetProperty("message").WriteTo(w);
                w.WriteNull("parent_tool_use_id");
                w.WriteString("session_id", sessionId);
                w.WriteString("uuid", InboundMessage.String(turn.Raw, "uuid") ?? Guid.NewGuid().ToString());
                w.WriteBoolean("isReplay", true);
            });
        }
        if (!_started)
        {
            _started = true;
            await runtime.Hooks.StartAsync(runtime.Options.Resume is not null || runtime.Options.Continue ? "resume" : "startup", runtime.Provider.Model, cts.Token).ConfigureAwait(false);
        }
#pragma warning disable VSTHRD003 // started by initialize on the reader's flow; its answers arrive through that reader
        await _sdkMcpReady.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        var before = runtime.Usage.Snapshot;
        var structured = _structured;
        structured?.Take();
        var prompt = runtime.ExpandPrompt(turn.Text);
        var options = runtime.CreateAgentOptions();
        // As --agent, the agent's prompt leads; a system prompt of the SDK's (it sends "" by default) follows it.
        var systemPrompt = runtime.MainAgent is not null
            ? options.SystemPrompt + (string.IsNullOrWhiteSpace(_systemPrompt) ? "" : "\n\n" + _systemPrompt)
            : _systemPrompt ?? options.SystemPrompt;
        if (_appendSystemPrompt is { } append)
        {
            systemPrompt += "\n\n" + append;
        }
        if (structured is not null)
        {
            systemPrompt += "\n\n" + StructuredOutputTool.Instruction;
        }
        options = options with
        {
            SystemPrompt = systemPrompt,
            // --tools limits the built-in tools; MCP tools and StructuredOutput stay.
            AllowedTools = _args.Tools is { } tools
                ? [.. runtime.Registry.ListAll().Where(t => t.Category == ToolCategory.Mcp || t.Name == StructuredOutputTool.ToolName || tools.Contains(t.Name)).Select(t => t.Name)]
                : structured is not null && options.AllowedTools is { } agentTools ? agentTools.Add(StructuredOutputTool.ToolName) : options.AllowedTools,
        };
        var printer = new TurnPrinter(_channel, new StreamJsonWriter(_stdout, sessionId), sessionId, runtime.Provider.Model, _args.IncludePartialMessages);
        var budgetExceeded = false;
        if (_args.MaxBudgetUsd is { } maxBudget)
        {
            // Decided by the loop before its next model call; the check on the events below comes after the loop has
            // run ahead (a tool call and the next request may already be under way).
            options = options with
            {
                BeforeModelCall = () =>
                {
                    if (runtime.Usage.Snapshot.Cost >= maxBudget && !Volatile.Read(ref budgetExceeded))
                    {
                        Volatile.Write(ref budgetExceeded, true);
                        cts.Cancel();
                    }
                },
            };
        }
        var clock = Stopwatch.StartNew();
        await foreach (var e in runtime.RunTurnAsync(prompt, options, cts.Token).ConfigureAwait(false))
        {
            printer.Print(e);
            if (e is AssistantMessage && _args.MaxBudgetUsd is { } budget && runtime.Usage.Snapshot.Cost >= budget && !Volatile.Read(ref budgetExceeded))
            {
                Volatile.Write(ref budgetExceeded, true);
                await cts.CancelAsync().ConfigureAwait(false);
            }
        }
        var after = runtime.Usage.Snapshot;
        var summary = printer.Summary(clock.ElapsedMilliseconds, (long)(after.ApiDuration - before.ApiDuration).TotalMilliseconds,
            after.InputTokens - before.InputTokens, after.OutputTokens - before.OutputTokens, after.CachedInputTokens - before.CachedInputTokens, after.Cost) with
        {
            CacheWriteTokens = after.CacheWriteTokens - before.CacheWriteTokens,
            ReasoningTokens = after.ReasoningTokens - before.ReasoningTokens,
            ModelUsage = after.ByModel,
        };
        var output = structured?.Take();
        var subtype = budgetExceeded ? "error_max_budget_usd" : summary.Subtype;
        _channel.WriteLine(w => SdkDescriptions.WriteResult(w, budgetExceeded ? summary with { Error = $"Reached the budget of ${_args.MaxBudgetUsd} (--max-budget-usd)" } : summary, subtype, output));
    }

    /// <summary>A <c>set_model</c>, queued with the turns.</summary>
    private sealed record ModelSwitch(string Model) : InboundMessage;

    /// <summary>The SDK's agents from an <c>initialize</c> sent after a turn: applied between turns.</summary>
    private sealed record AgentsUpdate(ImmutableArray<AgentDefinition> Agents) : InboundMessage;
}
