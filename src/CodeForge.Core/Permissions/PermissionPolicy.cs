using System.Collections.Immutable;
using System.Text.Json;

namespace CodeForge.Core.Permissions;

/// <summary>
/// An immutable snapshot of everything a permission decision depends on: the rule set of every
/// <see cref="PermissionLayer"/>, the <see cref="PermissionMode"/>, the working and home directories and the additional
/// directories. <see cref="Evaluate"/> is a pure function of the snapshot.
/// </summary>
/// <remarks>
/// Immutable: any number of threads may call <see cref="Evaluate"/> on one instance concurrently. The <c>With…</c>
/// methods return new snapshots and leave this one unchanged. <see cref="PermissionChecker"/> publishes snapshots
/// atomically, so a check sees one whole snapshot.
/// <para>Order of evaluation: deny rules of every layer (a deny anywhere wins and cannot be overridden); plan mode denies
/// Edit/Write/MultiEdit/NotebookEdit/KillShell; bypassPermissions allows; ask rules (dontAsk turns them into deny, as
/// does plan mode for Bash); acceptEdits allows edit tools inside the working or an additional directory; allow rules
/// (a compound Bash command needs every subcommand allowed, by one rule or several);
/// finally ask (deny in dontAsk mode, and for Bash in plan mode). Among rules of one behavior, the first match in layer
/// order (Managed, Session, CommandLine, ProjectLocal, Project, User, Defaults), then list order, is reported.</para>
/// </remarks>
public sealed class PermissionPolicy
{
    private static readonly PermissionLayer[] LayerOrder = Enum.GetValues<PermissionLayer>();
    private readonly ImmutableArray<PermissionRuleSet> _layers;

    private PermissionPolicy(ImmutableArray<PermissionRuleSet> layers, PermissionMode mode, string workingDirectory, string homeDirectory, ImmutableArray<string> additionalDirectories)
    {
        _layers = layers;
        Mode = mode;
        WorkingDirectory = workingDirectory;
        HomeDirectory = homeDirectory;
        AdditionalDirectories = additionalDirectories;
    }

    public PermissionMode Mode { get; }

    /// <summary>The absolute working directory (anchor of <c>./x</c> and bare path patterns).</summary>
    public string WorkingDirectory { get; }

    /// <summary>The absolute home directory (anchor of <c>~/x</c>).</summary>
    public string HomeDirectory { get; }

    /// <summary>Directories besides the working directory in which acceptEdits mode allows edits.</summary>
    public ImmutableArray<string> AdditionalDirectories { get; }

    /// <summary>The session layer's rules in the order they were added.</summary>
    public PermissionRuleSet Session => _layers[(int)PermissionLayer.Session];

    /// <summary>A policy with the given directories, the built-in defaults, empty other layers and default mode.</summary>
    public static PermissionPolicy Create(string workingDirectory, string homeDirectory, PermissionRuleSet? defaults = null)
    {
        var layers = Enumerable.Repeat(PermissionRuleSet.Empty, LayerOrder.Length).ToArray();
        layers[(int)PermissionLayer.Defaults] = defaults ?? DefaultPermissionRules.Create();
        return new PermissionPolicy(layers.ToImmutableArray(), PermissionMode.Default, Absolute(workingDirectory, nameof(workingDirectory)),
            Absolute(homeDirectory, nameof(homeDirectory)), []);
    }

    /// <summary>The rules of one layer.</summary>
    public PermissionRuleSet this[PermissionLayer layer] => _layers[Index(layer)];

    public PermissionPolicy WithLayer(PermissionLayer layer, PermissionRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return new PermissionPolicy(_layers.SetItem(Index(layer), rules), Mode, WorkingDirectory, HomeDirectory, AdditionalDirectories);
    }

    public PermissionPolicy WithMode(PermissionMode mode)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown permission mode.");
        }
        return new PermissionPolicy(_layers, mode, WorkingDirectory, HomeDirectory, AdditionalDirectories);
    }

    public PermissionPolicy WithDirectories(string workingDirectory, string? homeDirectory = null, IEnumerable<string>? additionalDirectories = null) =>
        new(_layers, Mode, Absolute(workingDirectory, nameof(workingDirectory)),
            homeDirectory is null ? HomeDirectory : Absolute(homeDirectory, nameof(homeDirectory)),
            additionalDirectories is null ? AdditionalDirectories : additionalDirectories.Select(d => Absolute(d, nameof(additionalDirectories))).ToImmutableArray());

    /// <summary>True when a bare deny rule (<c>Bash</c>, <c>mcp__server</c>, <c>*</c>) removes the tool entirely.</summary>
    public bool IsToolDenied(string toolName)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        var call = new ToolCall(toolName, default, this);
        foreach (var layer in _layers)
        {
            foreach (var rule in layer.Deny)
            {
                if (rule.IsWholeTool && rule.Matches(call))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Decides a tool call; never null. <paramref name="arguments"/> is the call's JSON object (or default).</summary>
    public PermissionDecision Evaluate(string toolName, JsonElement arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        var call = new ToolCall(toolName, arguments, this);

        if (Find(call, PermissionBehavior.Deny) is (var denyRule, var denyLayer))
        {
            return new PermissionDecision(PermissionBehavior.Deny, denyRule, denyLayer, $"Denied by rule '{denyRule}' from {denyRule.Source}");
        }
        if (Mode == PermissionMode.Plan && (ToolNames.IsEditFamily(toolName) || toolName == ToolNames.KillShell))
        {
            return new PermissionDecision(PermissionBehavior.Deny, null, null, $"Plan mode: {toolName} is not available while planning");
        }
        if (Mode == PermissionMode.BypassPermissions)
        {
            return new PermissionDecision(PermissionBehavior.Allow, null, null, "Allowed by bypassPermissions mode");
        }
        var askInstead = Mode == PermissionMode.DontAsk || (Mode == PermissionMode.Plan && toolName == ToolNames.Bash);
        var modeName = Mode.ToSettingsName();
        if (Find(call, PermissionBehavior.Ask) is (var askRule, var askLayer))
        {
            return askInstead
                ? new PermissionDecision(PermissionBehavior.Deny, askRule, askLayer, $"Denied in {modeName} mode: rule '{askRule}' from {askRule.Source} requires confirmation")
                : new PermissionDecision(PermissionBehavior.Ask, askRule, askLayer, $"Rule '{askRule}' from {askRule.Source} requires confirmation");
        }
        if (Mode == PermissionMode.AcceptEdits && ToolNames.IsEditFamily(toolName) && call.FullPath is { } path && IsInsideWorkspace(path))
        {
            return new PermissionDecision(PermissionBehavior.Allow, null, null, $"Allowed by acceptEdits mode: {path} is inside the workspace");
        }
        if (FindAllow(call) is { } allowed)
        {
            return allowed;
        }
        return askInstead
            ? new PermissionDecision(PermissionBehavior.Deny, null, null, $"Denied in {modeName} mode: no rule allows {toolName}")
            : PermissionDecision.Default(toolName);
    }

    private (PermissionRule Rule, PermissionLayer Layer)? Find(ToolCall call, PermissionBehavior behavior)
    {
        for (var i = 0; i < _layers.Length; i++)
        {
            foreach (var rule in _layers[i].Of(behavior))
            {
                if (rule.Matches(call))
                {
                    return (rule, LayerOrder[i]);
                }
            }
        }
        return null;
    }

    /// <summary>
    /// The allow decision, or null. A Bash call is allowed when a whole-tool rule allows it, or when every subcommand is
    /// matched by some Bash pattern rule; the deciding rule is the one that matched the first subcommand.
    /// </summary>
    private PermissionDecision? FindAllow(ToolCall call)
    {
        if (call.ToolName != ToolNames.Bash || call.Bash is not { } bash)
        {
            return Find(call, PermissionBehavior.Allow) is (var rule, var layer)
                ? new PermissionDecision(PermissionBehavior.Allow, rule, layer, $"Allowed by rule '{rule}' from {rule.Source}")
                : null;
        }
        var subcommands = bash.Subcommands;
        var cover = new (PermissionRule Rule, PermissionLayer Layer)?[subcommands.Count];
        var uncovered = subcommands.Count;
        var patternsApply = !bash.Incomplete && !bash.TooLong;
        for (var i = 0; i < _layers.Length && uncovered > 0; i++)
        {
            foreach (var rule in _layers[i].Allow)
            {
                if (rule.Kind != PermissionRuleKind.BashCommand)
                {
                    if (rule.Matches(call))
                    {
                        return new PermissionDecision(PermissionBehavior.Allow, rule, LayerOrder[i], $"Allowed by rule '{rule}' from {rule.Source}");
                    }
                    continue;
                }
                if (!patternsApply)
                {
                    continue;
                }
                for (var j = 0; j < subcommands.Count; j++)
                {
                    if (cover[j] is null && rule.MatchesCommand(subcommands[j].AllowForm))
                    {
                        cover[j] = (rule, LayerOrder[i]);
                        uncovered--;
                    }
                }
                if (uncovered == 0)
                {
                    break;
                }
            }
        }
        if (uncovered > 0)
        {
            return null;
        }
        var (first, firstLayer) = cover[0]!.Value;
        var rules = cover.Select(c => c!.Value.Rule).Distinct().ToList();
        var reason = rules.Count == 1
            ? $"Allowed by rule '{first}' from {first.Source}"
            : "Allowed: every subcommand is allowed, by " + string.Join(", ", rules.Select(r => $"'{r}' from {r.Source}"));
        return new PermissionDecision(PermissionBehavior.Allow, first, firstLayer, reason);
    }

    private bool IsInsideWorkspace(string path)
    {
        if (IsUnder(path, WorkingDirectory))
        {
            return true;
        }
        foreach (var directory in AdditionalDirectories)
        {
            if (IsUnder(path, directory))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsUnder(string path, string directory)
    {
        var relative = Path.GetRelativePath(directory, path);
        return relative != "." && !Path.IsPathRooted(relative) &&
               !(relative.StartsWith("..", StringComparison.Ordinal) && (relative.Length == 2 || relative[2] == Path.DirectorySeparatorChar));
    }

    private static int Index(PermissionLayer layer) =>
        Enum.IsDefined(layer) ? (int)layer : throw new ArgumentOutOfRangeException(nameof(layer), layer, "Unknown permission layer.");

    private static string Absolute(string directory, string parameter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory, parameter);
        if (!Path.IsPathFullyQualified(directory))
        {
            throw new ArgumentException($"'{directory}' must be an absolute path.", parameter);
        }
        var full = Path.GetFullPath(directory);
        return full.Length > 1 ? Path.TrimEndingDirectorySeparator(full) : full;
    }
}
