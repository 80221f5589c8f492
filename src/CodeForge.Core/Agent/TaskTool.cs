using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Agent;

/// <summary>How the <see cref="TaskTool"/> runs subagents. Immutable.</summary>
public sealed record SubagentOptions
{
    /// <summary>The default bound on subagents running at once.</summary>
    public const int DefaultMaxConcurrency = 4;

    /// <summary>How many subagents may run at once (others wait their turn).</summary>
    public int MaxConcurrency
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(MaxConcurrency));
            field = value;
        }
    } = DefaultMaxConcurrency;

    /// <summary>The most model calls of one subagent run.</summary>
    public int? MaxTurns { get; init; } = 100;

    /// <summary>The parent's request options (its model id is the subagents' default).</summary>
    public ChatOptions? ChatOptions { get; init; }

    /// <summary>Turns a model alias of an agent file (<c>sonnet</c>) into a model id, or null to use the name as given.</summary>
    public Func<string, string?>? ResolveModel { get; init; }

    /// <summary>Appended to every subagent's system prompt (the environment: working directory, platform, date).</summary>
    public string? EnvironmentPrompt { get; init; }

    /// <summary>The subagents' context budget (their own conversations compact too), or null.</summary>
    public ContextOptions? Context { get; init; }
}

/// <summary>
/// <c>Task</c>: starts a subagent with its own conversation and a filtered tool set, on a child <see cref="AgentLoop"/>
/// over the same <see cref="IChatClient"/>, and returns its final answer as the tool result. Types: the built-in
/// <c>general-purpose</c>, <c>Explore</c> and <c>Plan</c>, and the user's (<see cref="AgentDefinitionLoader"/>).
/// </summary>
/// <remarks>
/// <para><b>Concurrency.</b> Several Task calls of one response run in parallel: the tool says it touches nothing
/// (<see cref="ToolAccess.None"/>), so the scheduler does not serialize them, and at most
/// <see cref="SubagentOptions.MaxConcurrency"/> subagents run at once (a <see cref="SemaphoreSlim"/>; the others wait,
/// cancellably). What the children do is still gated: each child loop runs its tool calls through the parent's
/// <see cref="ToolExecutor"/> and the parent's gate (<see cref="ToolCallGate"/>: the parent's permission rules and mode
/// bind them, its PreToolUse and PostToolUse hooks fire for them, and an "ask" in headless mode is a denial), its own calls are ordered by the
/// <see cref="ToolCallScheduler"/>, and every file write of any agent takes the process-wide
/// <see cref="Tools.BuiltIn.FileMutationGate"/> of its path, so a child's Edit and the parent's (or a sibling's) Edit of
/// one file apply one after the other. A subagent cannot start another (its tool set never includes Task).</para>
/// <para>The tool is shared and stateless per call apart from the semaphore; each call has its own conversation.
/// Usage: the children call the same client, so a usage-tracking client counts their tokens into the session's; the
/// result's metadata also carries the child's totals.</para>
/// </remarks>
public sealed class TaskTool : ITool, IToolAccessDescriber, ILongRunningTool, IDisposable
{
    /// <summary>The tool's name.</summary>
    public const string ToolName = "Task";

    private readonly IChatClient _client;
    private readonly ToolExecutor _executor;
    private readonly ToolContext _context;
    private readonly IToolCallAuthorizer _authorizer;
    private readonly SubagentOptions _options;
    private readonly SemaphoreSlim _slots;
    private int _running;
    private int _maxObserved;

    public TaskTool(IChatClient client, ToolExecutor executor, ToolContext context, IToolCallAuthorizer? authorizer, AgentCatalog catalog, SubagentOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _authorizer = authorizer ?? AllowAllAuthorizer.Instance;
        Catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _options = options ?? new SubagentOptions();
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        Description = BuildDescription(catalog);
        // The agent types depend on the catalog; a plugin agent (plugin:name) is also accepted by its short name when no
        // other agent has it.
        Schema = ToolSchema.For(ToolArgsJsonContext.Default.TaskArgs, schema => schema["properties"]!["subagent_type"]!["enum"] =
            new JsonArray(catalog.Agents.Select(a => a.Name).Concat(ShortNames(catalog)).Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()));
    }

    /// <summary>
    /// The short names (after the last ':') of the plugin agents for which <see cref="AgentCatalog.Find"/> gives a plugin
    /// agent, first spelling of each, in catalogue order. Computed in one pass (the same answers as calling
    /// <see cref="AgentCatalog.Find"/> for each short name, which scans every agent and cut a substring of each: quadratic,
    /// ~40,000 substrings at start-up for 200 plugin agents). <see cref="AgentCatalog.Find"/> resolves a short name
    /// <c>s</c> to a plugin agent exactly when no agent is named <c>s</c> (ignoring case) and exactly one distinct full name
    /// <c>plugin:…</c> (colon not first) ends in <c>:s</c> (ignoring case).
    /// </summary>
    internal static IEnumerable<string> ShortNames(AgentCatalog catalog)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var bySuffix = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var agent in catalog.Agents)
        {
            var name = agent.Name;
            names.Add(name);
            if (name.LastIndexOf(':') is var colon and > 0)
            {
                var suffix = name[(colon + 1)..];
                if (!bySuffix.TryGetValue(suffix, out var full))
                {
                    bySuffix[suffix] = full = new HashSet<string>(StringComparer.Ordinal);
                }
                full.Add(name);
            }
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<string>();
        foreach (var agent in catalog.Agents)
        {
            var name = agent.Name;
            if (!name.Contains(':', StringComparison.Ordinal))
            {
                continue;
            }
            var s = name[(name.LastIndexOf(':') + 1)..];
            if (seen.Add(s) && s.Length > 0 && !names.Contains(s) && bySuffix.TryGetValue(s, out var candidates) && candidates.Count == 1)
            {
                result.Add(s);
            }
        }
        return result;
    }

    /// <summary>The agent types this tool offers.</summary>
    public AgentCatalog Catalog { get; }

    public string Name => ToolName;

    public string Description { get; }

    public ToolCategory Category => ToolCategory.Task;

    public ToolSchema Schema { get; }

    /// <summary>How many subagents are running now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>The most subagents seen running at once since creation.</summary>
    public int MaxObservedConcurrency => Volatile.Read(ref _maxObserved);

    public void Dispose() => _slots.Dispose();

    /// <summary>
    /// Test seam (systematic-scheduling tests only): runs a subagent in place of the child <see cref="AgentLoop"/>, so the
    /// slot accounting of <see cref="ExecuteAsync"/> (the shared part) is explored without the loop's model I/O. Null (the
    /// product): the real child loop.
    /// </summary>
    internal Func<AgentDefinition, string, CancellationToken, Task<ToolResult>>? SubagentRunForTests { get; init; }

    /// <summary>
    /// Test seam: a deliberately broken variant of the real class for the systematic-scheduling tests, which neither takes
    /// nor releases a slot (the semaphore left out), so nothing bounds the running subagents. Never set in the product.
    /// </summary>
    internal bool SlotsBrokenForTests { get; init; }

    /// <summary>Touches nothing itself: the children's own calls are scheduled and gated (see remarks).</summary>
    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context) => ToolAccess.None;

    public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var prompt = arguments.GetProperty("prompt").GetString() ?? "";
        var type = arguments.GetProperty("subagent_type").GetString() ?? "";
        var agent = Catalog.Find(type);
        if (agent is null && Skills.NamespacedNames.Resolve(type, Catalog.Agents.Select(a => a.Name), StringComparer.OrdinalIgnoreCase) is { IsAmbiguous: true } ambiguous)
        {
            return ToolResult.Fail(ambiguous.AmbiguityMessage("agents", type) + ".");
        }
        if (agent is null)
        {
            return ToolResult.Fail($"Unknown subagent_type '{type}'. Available: {string.Join(", ", Catalog.Agents.Select(a => a.Name))}.");
        }
        if (agent.SystemPromptSource is { IsLoaded: false } body)
        {
            try
            {
                _ = body.Value;
            }
            catch (Skills.MarkdownBodyException ex)
            {
                return ToolResult.Fail($"The {agent.Name} subagent cannot start: {ex.Message}");
            }
        }
        if (!SlotsBrokenForTests)
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        var now = Interlocked.Increment(ref _running);
        for (var seen = Volatile.Read(ref _maxObserved); now > seen; seen = Volatile.Read(ref _maxObserved))
        {
            if (Interlocked.CompareExchange(ref _maxObserved, now, seen) == seen)
            {
                break;
            }
        }
        try
        {
            return await (SubagentRunForTests ?? RunAsync)(agent, prompt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            if (!SlotsBrokenForTests)
            {
                _slots.Release();
            }
        }
    }

    /// <summary>The tools <paramref name="agent"/> may use now: its list (or all) among the registered ones, never Task.</summary>
    public ImmutableHashSet<string> ToolsFor(AgentDefinition agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var registered = _executor.Registry.ListNames();
        var wanted = agent.Tools is { } list ? registered.Where(n => list.Contains(n, StringComparer.Ordinal)) : registered;
        return wanted.Where(n => n != ToolName).ToImmutableHashSet(StringComparer.Ordinal);
    }

    private async Task<ToolResult> RunAsync(AgentDefinition agent, string prompt, CancellationToken ct)
    {
        var chatOptions = _options.ChatOptions?.Clone() ?? new ChatOptions();
        if (agent.Model is { } model && !string.Equals(model, "inherit", StringComparison.OrdinalIgnoreCase))
        {
            chatOptions.ModelId = _options.ResolveModel?.Invoke(model) ?? model;
        }
        var options = new AgentOptions
        {
            MaxTurns = _options.MaxTurns,
            SystemPrompt = string.IsNullOrWhiteSpace(_options.EnvironmentPrompt) ? agent.SystemPrompt : agent.SystemPrompt + "\n\n" + _options.EnvironmentPrompt.Trim(),
            ChatOptions = chatOptions,
            Context = _options.Context,
            AllowedTools = ToolsFor(agent),
        };
        var authorizer = agent.ReadOnly
            ? ToolCallGate.ForReadOnlyAgent(_authorizer, _context.WorkingDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
            : _authorizer;
        var loop = new AgentLoop(_client, _executor, _context, authorizer);
        TurnFinished? finished = null;
        string? error = null;
        var toolCalls = 0;
        await foreach (var e in loop.RunAsync(new Conversation(), prompt, options, cancellationToken: ct).ConfigureAwait(false))
        {
            switch (e)
            {
                case ToolCallFinished:
                    toolCalls++;
                    break;
                case AgentError err:
                    error = err.Message;
                    break;
                case TurnFinished t:
                    finished = t;
                    break;
            }
        }
        ct.ThrowIfCancellationRequested();
        var metadata = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["subagent_type"] = agent.Name,
            ["model_calls"] = finished?.ModelCalls ?? 0,
            ["tool_calls"] = toolCalls,
            ["input_tokens"] = finished?.Usage.InputTokenCount ?? 0,
            ["output_tokens"] = finished?.Usage.OutputTokenCount ?? 0,
        };
        return finished?.Reason switch
        {
            AgentStopReason.Completed => ToolResult.Ok(finished.FinalText.Length > 0 ? finished.FinalText : "(the subagent finished without a final message)", metadata),
            AgentStopReason.MaxTurns => ToolResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"The {agent.Name} subagent stopped after {finished.ModelCalls} model calls without finishing; give it a narrower task."), metadata),
            _ => ToolResult.Fail($"The {agent.Name} subagent failed: {error ?? "no answer"}", metadata),
        };
    }

    private static string BuildDescription(AgentCatalog catalog)
    {
        var s = new StringBuilder();
        s.AppendLine("Launch a new agent (a subagent with its own context and tools) to handle a complex, multi-step task autonomously.");
        s.AppendLine();
        s.AppendLine("Available agent types and the tools they have access to:");
        s.AppendLine(AgentDefinitionLoader.Describe(catalog));
        s.AppendLine();
        s.AppendLine("When using the Task tool, you must specify a subagent_type to select which agent type to use.");
        s.AppendLine();
        s.AppendLine("Usage notes:");
        s.AppendLine("- Launch several agents concurrently whenever possible, with several Task calls in one message.");
        s.AppendLine("- The agent's final message is returned to you as the tool result; the user does not see it, so report what matters.");
        s.AppendLine("- Each agent starts fresh: give it a detailed, self-contained prompt and say exactly what it should return.");
        s.AppendLine("- Say whether the agent should write code or only research (search, read files).");
        return s.ToString().TrimEnd();
    }
}
