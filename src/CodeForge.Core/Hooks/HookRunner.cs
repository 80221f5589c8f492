using System.Collections.Immutable;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Hooks;

/// <summary>How a <see cref="HookRunner"/> runs hooks.</summary>
public sealed record HookRunnerOptions
{
    /// <summary>The project directory: each hook's working directory and <c>CLAUDE_PROJECT_DIR</c>/<c>FORGE_PROJECT_DIR</c>.</summary>
    public required string ProjectDirectory { get; init; }

    /// <summary>The user's home (for <c>if</c> rules with <c>~/</c> paths).</summary>
    public string HomeDirectory { get; init; } = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);

    /// <summary>The timeout of a hook without its own <c>timeout</c>.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The timeout of a SessionEnd hook without its own (Claude Code gives them 1.5 s: forge is exiting).</summary>
    public TimeSpan SessionEndTimeout { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The most characters kept of a hook's stdout and of its stderr (Claude Code: 10,000).</summary>
    public int OutputLimit { get; init; } = 10_000;

    /// <summary>Receives every problem (timeout, crash, garbage output, start failure); called concurrently. May be null.</summary>
    public Action<HookReport>? Report { get; init; }

    /// <summary>Extra environment for every hook.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// Fires hook events: takes one <see cref="HookRegistry"/> snapshot, selects the hooks whose matcher (and <c>if</c> rule)
/// match, runs each distinct handler once, all in parallel, each under its timeout, and combines their outcomes into one
/// <see cref="HookEventResult"/>. A hook that hangs, crashes, prints garbage or too much is contained: it is reported
/// through <see cref="HookRunnerOptions.Report"/>, contributes no decision, and the event completes.
/// </summary>
/// <remarks>
/// Thread-safe: holds no mutable state; any number of events may fire concurrently (parallel tool calls), each from the
/// snapshot it took, so a source changed meanwhile affects only later events. <see cref="RunAsync"/> throws only
/// <see cref="OperationCanceledException"/> for the caller's cancellation (the hooks are killed first).
/// </remarks>
public sealed class HookRunner
{
    private readonly HookRegistry _registry;
    private readonly IHookProcessRunner _processes;
    private readonly HookRunnerOptions _options;
    private readonly ImmutableDictionary<string, string> _environment;
    private readonly Lazy<PermissionPolicy> _ifPolicy;

    public HookRunner(HookRegistry registry, IHookProcessRunner processes, HookRunnerOptions options)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _processes = processes ?? throw new ArgumentNullException(nameof(processes));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _environment = options.Environment.ToImmutableDictionary()
            .SetItem("CLAUDE_PROJECT_DIR", options.ProjectDirectory)
            .SetItem("FORGE_PROJECT_DIR", options.ProjectDirectory);
        _ifPolicy = new Lazy<PermissionPolicy>(() => PermissionPolicy.Create(options.ProjectDirectory, options.HomeDirectory, PermissionRuleSet.Empty));
    }

    /// <summary>
    /// Test seam: a deliberately broken variant of the real class for the systematic-scheduling tests, which reads the
    /// registry a second time for the version its result reports (so the version may not be the one its hooks came from).
    /// Never set in the product.
    /// </summary>
    internal bool SnapshotReadTwiceForTests { get; init; }

    /// <summary>The registry the hooks come from.</summary>
    public HookRegistry Registry => _registry;

    /// <summary>The hooks <paramref name="invocation"/> would run from <paramref name="snapshot"/>: matching, deduplicated.</summary>
    public ImmutableArray<HookDefinition> Select(HookRegistrySnapshot snapshot, HookInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(invocation);
        var all = snapshot.For(invocation.Event);
        if (all.IsEmpty)
        {
            return [];
        }
        var target = invocation.Event.HasMatcher() ? invocation.MatchTarget : null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var selected = ImmutableArray.CreateBuilder<HookDefinition>();
        foreach (var d in all)
        {
            if (d.Matcher.Matches(target) && IfMatches(d, invocation) && seen.Add(d.DedupKey))
            {
                selected.Add(d);
            }
        }
        return selected.ToImmutable();
    }

    /// <summary>Runs every hook of the event that matches, in parallel, and combines their outcomes.</summary>
    public async Task<HookEventResult> RunAsync(HookInvocation invocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var snapshot = _registry.Snapshot;
        var selected = Select(snapshot, invocation);
        if (selected.IsEmpty)
        {
            return HookEventResult.None(invocation.Event, snapshot.Version);
        }
        var stdin = invocation.ToJson();
        var runs = new Task<HookExecution>[selected.Length];
        for (var i = 0; i < selected.Length; i++)
        {
            runs[i] = RunOneAsync(selected[i], stdin, cancellationToken);
        }
        var executions = await Task.WhenAll(runs).ConfigureAwait(false);
        return new HookEventResult(invocation.Event, (SnapshotReadTwiceForTests ? _registry.Snapshot : snapshot).Version, [.. executions]);
    }

    private bool IfMatches(HookDefinition d, HookInvocation invocation)
    {
        if (d.If is null || invocation.ToolName is null)
        {
            return true;
        }
        var input = invocation.ToolInput ?? default;
        return d.If.Matches(new ToolCall(invocation.ToolName, input, _ifPolicy.Value));
    }

    private async Task<HookExecution> RunOneAsync(HookDefinition d, string stdin, CancellationToken ct)
    {
        // Yield first so that a process runner that starts synchronously cannot serialize the hooks of one event.
        await Task.Yield();
        var timeout = d.Timeout ?? (d.Event == HookEvent.SessionEnd ? _options.SessionEndTimeout : _options.DefaultTimeout);
        var environment = d.PluginRoot is { } root ? _environment.SetItem("CLAUDE_PLUGIN_ROOT", root) : _environment;
        if (d.PluginData is { } data)
        {
            environment = environment.SetItem(Plugins.PluginDataDirectory.Variable, Plugins.PluginDataDirectory.Ensure(data));
        }
        HookProcessResult process;
        try
        {
            process = await _processes.RunAsync(
                new HookProcessRequest(d.Command, _options.ProjectDirectory, environment, stdin, timeout, _options.OutputLimit), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return Reported(new HookExecution(d, null, null, $"could not be started: {ex.Message}"));
        }
        if (process.TimedOut)
        {
            return Reported(new HookExecution(d, process, null, $"timed out after {timeout.TotalSeconds:0.###} s and was killed; its output was discarded"));
        }
        var problems = new List<string>();
        if (process.OutputTruncated)
        {
            problems.Add($"its output was longer than {_options.OutputLimit} characters and was cut");
        }
        HookOutput? output = null;
        if (process.ExitCode == 0)
        {
            (output, var error) = HookOutput.Parse(process.Stdout, d.Event);
            if (error is not null)
            {
                problems.Add(error);
            }
        }
        else if (process.ExitCode != 2)
        {
            var stderr = process.Stderr.Trim();
            problems.Add($"failed with exit code {process.ExitCode}{(stderr.Length > 0 ? ": " + Shorten(stderr) : "")}");
        }
        var execution = new HookExecution(d, process, output, problems.Count > 0 ? string.Join("; ", problems) : null);
        return execution.Problem is null ? execution : Reported(execution);
    }

    private HookExecution Reported(HookExecution e)
    {
        try
        {
            _options.Report?.Invoke(new HookReport(e.Definition.Event, e.Definition.Command, e.Definition.Origin, e.Problem!));
        }
#pragma warning disable CA1031 // A failing reporter must not break the event.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        return e;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
