using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using CodeForge.Core.Concurrency;

namespace CodeForge.Core.Tools;

/// <summary>
/// Runs tool calls: looks the tool up, validates the arguments against its schema, runs it under the context's timeout,
/// keeps a bounded history, and emits the tool definitions a model needs (OpenAI, Anthropic, or
/// <c>Microsoft.Extensions.AI</c> <see cref="AIFunction"/>s).
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> Every member may be called from any thread; calls to <see cref="ExecuteAsync"/> run
/// concurrently and independently (the executor holds no lock while a tool runs).</para>
/// <list type="bullet">
/// <item><see cref="ExecuteAsync"/> never throws for a bad call: an unknown tool, invalid arguments, a tool that throws
/// or times out all give a failed <see cref="ToolResult"/> whose error says what to do. The one exception is the caller's
/// own cancellation, which propagates as <see cref="OperationCanceledException"/> (the original swallowed it).</item>
/// <item>The history is bounded (<see cref="MaxHistory"/>, oldest dropped first); appends and reads are atomic under a
/// private lock held only for the queue operation. <see cref="GetExecutions"/> returns a snapshot in completion order,
/// and <see cref="TotalExecutions"/> counts every recorded call, including those since dropped.</item>
/// <item>The registry is read per call (a lock-free snapshot read), so a tool registered or removed concurrently is seen
/// by the calls that start after the change. With no registry given, each call uses the current
/// <see cref="ToolRegistry.Shared"/>.</item>
/// <item>Time (durations, timestamps, the timeout) comes from the injected <see cref="TimeProvider"/>.</item>
/// </list>
/// </remarks>
public sealed class ToolExecutor
{
    /// <summary>The default history bound.</summary>
    public const int DefaultMaxHistory = 1000;

    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly ToolRegistry? _registry;
    private readonly TimeProvider _time;
    private readonly object _historyGate = new();
    private readonly Queue<ToolExecution> _history = new();
    private long _totalExecutions;

    /// <summary>Creates an executor.</summary>
    /// <param name="registry">The registry to read; <see langword="null"/> means the current <see cref="ToolRegistry.Shared"/>.</param>
    /// <param name="maxHistory">How many executions to keep (0 keeps none).</param>
    /// <param name="timeProvider">The clock for durations, timestamps and timeouts; <see cref="TimeProvider.System"/> by default.</param>
    public ToolExecutor(ToolRegistry? registry = null, int maxHistory = DefaultMaxHistory, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxHistory);
        _registry = registry;
        MaxHistory = maxHistory;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The registry calls are resolved against.</summary>
    public ToolRegistry Registry => _registry ?? ToolRegistry.Shared;

    /// <summary>How many executions the history keeps.</summary>
    public int MaxHistory { get; }

    /// <summary>How many executions have been recorded since creation (or the last <see cref="ClearExecutions"/>), including dropped ones.</summary>
    public long TotalExecutions
    {
        get
        {
            lock (_historyGate)
            {
                return _totalExecutions;
            }
        }
    }

    /// <summary>
    /// Runs the tool named <paramref name="toolName"/> with <paramref name="arguments"/> (a JSON object; undefined or
    /// <c>null</c> counts as <c>{}</c>) and records the call.
    /// </summary>
    /// <returns>The tool's result with its <see cref="ToolResult.Duration"/>, or a failed result explaining what went wrong.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ToolResult> ExecuteAsync(
        string toolName, JsonElement arguments, ToolContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toolName);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        var startedAt = _time.GetUtcNow();
        var start = _time.GetTimestamp();
        if (arguments.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            arguments = EmptyObject;
        }

        var registry = Registry;
        var tool = registry.Get(toolName);
        ToolResult result;
        if (tool is null)
        {
            result = ToolResult.Fail(UnknownToolMessage(toolName, registry));
        }
        else
        {
            var errors = tool.Schema.Validate(arguments);
            result = errors.IsEmpty
                ? await RunAsync(tool, arguments, context, cancellationToken).ConfigureAwait(false)
                : ToolResult.Fail($"Invalid arguments for tool '{toolName}': {string.Join("; ", errors)}. Correct them and call the tool again.");
        }

        result = result with { Duration = _time.GetElapsedTime(start) };
        Record(new ToolExecution(toolName, arguments.Clone(), context, result, startedAt, _time.GetUtcNow()));
        return result;
    }

    /// <summary>A snapshot of the history, oldest first.</summary>
    public ImmutableArray<ToolExecution> GetExecutions()
    {
        lock (_historyGate)
        {
            return [.. _history];
        }
    }

    /// <summary>Empties the history and resets <see cref="TotalExecutions"/>.</summary>
    public void ClearExecutions()
    {
        lock (_historyGate)
        {
            _history.Clear();
            _totalExecutions = 0;
        }
    }

    /// <summary>
    /// The definitions of the registered tools (optionally one <paramref name="category"/>) in <paramref name="format"/>,
    /// sorted by name so the prompt is stable whatever the registration order. A fresh array each call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined format.</exception>
    public JsonArray GetDefinitions(ToolSchemaFormat format, ToolCategory? category = null)
    {
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown tool schema format: use OpenAI or Anthropic.");
        }
        var definitions = new JsonArray();
        foreach (var tool in SortedTools(category))
        {
            definitions.Add((JsonNode)ToolDefinitions.Render(tool, format));
        }
        return definitions;
    }

    /// <summary>
    /// The registered tools (optionally one <paramref name="category"/>) as <see cref="AIFunction"/>s, sorted by name.
    /// Invoking one runs it through this executor with <paramref name="context"/>.
    /// </summary>
    public ImmutableArray<AIFunction> AsAITools(ToolContext context, ToolCategory? category = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return [.. SortedTools(category).Select(tool => (AIFunction)new ToolAIFunction(this, tool, context))];
    }

    private IEnumerable<ITool> SortedTools(ToolCategory? category) =>
        Registry.ListAll()
            .Where(t => category is null || t.Category == category)
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    private async Task<ToolResult> RunAsync(ITool tool, JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        // Timers cannot wait longer than MaxTimerDelay; a longer timeout is as good as none.
        using var timeout = context.Timeout == Timeout.InfiniteTimeSpan || context.Timeout > MaxTimerDelay
            ? new CancellationTokenSource()
            : new CancellationTokenSource(context.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Task<ToolResult>? task = null;
        try
        {
            task = tool.ExecuteAsync(arguments, context, linked.Token)
                ?? throw new InvalidOperationException("ExecuteAsync returned a null task.");
            var result = await TaskWaits.WaitOrCancelAsync(task, linked.Token).ConfigureAwait(false);
            return result ?? ToolResult.Fail($"Tool '{tool.Name}' returned no result.");
        }
        catch (Exception ex)
        {
            if (task is { IsCompleted: false })
            {
                ObserveLater(task);
            }
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (timeout.IsCancellationRequested)
            {
                return ToolResult.Fail(
                    $"Tool '{tool.Name}' timed out after {context.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s.");
            }
            return ex is OperationCanceledException
                ? ToolResult.Fail($"Tool '{tool.Name}' was cancelled: {ex.Message}")
                : ToolResult.Fail($"Tool '{tool.Name}' failed: {ex.Message}");
        }
    }

    /// <summary>An abandoned tool task (timed out or cancelled) may still fault later: observe it so it is not reported unobserved.</summary>
    private static void ObserveLater(Task task) =>
        _ = task.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private static string UnknownToolMessage(string toolName, ToolRegistry registry)
    {
        var names = registry.ListNames();
        var similar = names.FirstOrDefault(n => string.Equals(n, toolName, StringComparison.OrdinalIgnoreCase));
        var hint = similar is null ? "" : $" Did you mean '{similar}'? Tool names are case-sensitive.";
        var available = names.IsEmpty ? " No tools are registered." : $" Available tools: {string.Join(", ", names)}.";
        return $"Unknown tool: '{toolName}'.{hint}{available}";
    }

    private void Record(ToolExecution execution)
    {
        lock (_historyGate)
        {
            _totalExecutions++;
            if (MaxHistory == 0)
            {
                return;
            }
            _history.Enqueue(execution);
            if (_history.Count > MaxHistory)
            {
                _history.Dequeue();
            }
        }
    }
}
