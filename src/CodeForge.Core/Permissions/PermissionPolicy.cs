using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Permissions;

/// <summary>
/// An immutable snapshot of everything a permission decision depends on: the rule set of every
/// <see cref="PermissionLayer"/>, the <see cref="PermissionMode"/>, the working and home directories and the additional
/// directories. <see cref="Evaluate(string, System.Text.Json.JsonElement, string?)"/> is a pure function of the snapshot.
/// </summary>
/// <remarks>
/// Immutable: any number of threads may call <see cref="Evaluate(string, System.Text.Json.JsonElement, string?)"/> on one instance concurrently. The <c>With…</c>
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
    private readonly Lazy<ImmutableArray<string>> _realWorkspace;
    private readonly Lazy<SandboxDenyPlan> _sandboxPlan;

    private PermissionPolicy(
        ImmutableArray<PermissionRuleSet> layers, PermissionMode mode, string workingDirectory, string homeDirectory,
        ImmutableArray<string> additionalDirectories, bool bypassDisabled = false, bool sandboxEnforced = false)
    {
        SandboxEnforcesDenyRules = sandboxEnforced;
        // The deny rules compiled for the sandbox, once per snapshot (PublicationOnly, as below).
        _sandboxPlan = new Lazy<SandboxDenyPlan>(() => SandboxDenyPlan.Compile(this), LazyThreadSafetyMode.PublicationOnly);
        _layers = layers;
        Mode = mode;
        WorkingDirectory = workingDirectory;
        HomeDirectory = homeDirectory;
        AdditionalDirectories = additionalDirectories;
        BypassPermissionsDisabled = bypassDisabled;
        // The real (symlink-free) workspace directories, read from the file system once per snapshot. PublicationOnly:
        // racing readers may each compute it, one result is kept; nobody blocks.
        _realWorkspace = new Lazy<ImmutableArray<string>>(
            () => [.. new[] { workingDirectory }.Concat(additionalDirectories).Select(PathResolver.Real)],
            LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>
    /// True when Bash commands run in a sandbox that enforces this snapshot's deny rules (<see cref="SandboxPlan"/>). Then
    /// a Bash command the parser cannot see through (inline code, <c>find -exec</c>, <c>xargs</c>, substitutions, paths
    /// known only at run time) is no longer asked about for that reason alone, provided the sandbox enforces every deny
    /// rule (<see cref="SandboxDenyPlan.EnforcesEveryDenyRule"/>) and the mode is not plan. What the parser can see is
    /// still denied at once.
    /// </summary>
    public bool SandboxEnforcesDenyRules { get; }

    /// <summary>This snapshot's deny rules compiled for the sandbox (computed once per snapshot).</summary>
    public SandboxDenyPlan SandboxPlan => _sandboxPlan.Value;

    /// <summary>The mode as set; see <see cref="EffectiveMode"/> for the one decisions use.</summary>
    public PermissionMode Mode { get; }

    /// <summary>
    /// Managed settings' <c>disableBypassPermissionsMode</c>: bypassPermissions mode is then not available and
    /// decisions are made as in default mode.
    /// </summary>
    public bool BypassPermissionsDisabled { get; }

    /// <summary>The mode decisions use: <see cref="Mode"/>, except bypassPermissions when it is disabled (then default).</summary>
    public PermissionMode EffectiveMode => Mode == PermissionMode.BypassPermissions && BypassPermissionsDisabled ? PermissionMode.Default : Mode;

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
        return new PermissionPolicy(_layers.SetItem(Index(layer), rules), Mode, WorkingDirectory, HomeDirectory, AdditionalDirectories, BypassPermissionsDisabled, SandboxEnforcesDenyRules);
    }

    public PermissionPolicy WithMode(PermissionMode mode)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown permission mode.");
        }
        return new PermissionPolicy(_layers, mode, WorkingDirectory, HomeDirectory, AdditionalDirectories, BypassPermissionsDisabled, SandboxEnforcesDenyRules);
    }

    /// <summary>A snapshot with bypassPermissions mode disabled or enabled (managed <c>disableBypassPermissionsMode</c>).</summary>
    public PermissionPolicy WithBypassPermissionsDisabled(bool disabled) =>
        new(_layers, Mode, WorkingDirectory, HomeDirectory, AdditionalDirectories, disabled, SandboxEnforcesDenyRules);

    /// <summary>A snapshot that knows whether Bash commands run in a sandbox enforcing its deny rules (see <see cref="SandboxEnforcesDenyRules"/>).</summary>
    public PermissionPolicy WithSandboxEnforcement(bool enforced) =>
        new(_layers, Mode, WorkingDirectory, HomeDirectory, AdditionalDirectories, BypassPermissionsDisabled, enforced);

    public PermissionPolicy WithDirectories(string workingDirectory, string? homeDirectory = null, IEnumerable<string>? additionalDirectories = null) =>
        new(_layers, Mode, Absolute(workingDirectory, nameof(workingDirectory)),
            homeDirectory is null ? HomeDirectory : Absolute(homeDirectory, nameof(homeDirectory)),
            additionalDirectories is null ? AdditionalDirectories : additionalDirectories.Select(d => Absolute(d, nameof(additionalDirectories))).ToImmutableArray(),
            BypassPermissionsDisabled, SandboxEnforcesDenyRules);

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
    public PermissionDecision Evaluate(string toolName, JsonElement arguments) => Evaluate(toolName, arguments, null);

    /// <summary>
    /// Decides a tool call. For Bash, <paramref name="shellDirectory"/> is the directory the shell is in when the command
    /// starts (the Bash tool carries it between calls); relative paths in the command are resolved against it.
    /// </summary>
    public PermissionDecision Evaluate(string toolName, JsonElement arguments, string? shellDirectory) =>
        Evaluate(toolName, arguments, null, shellDirectory);

    /// <summary>
    /// Decides a tool call whose tool declared <paramref name="facts"/> (what the call touches:
    /// <see cref="IPermissionFactsDescriber"/>); null facts: the built-in tool of that name describes the call.
    /// </summary>
    public PermissionDecision Evaluate(string toolName, JsonElement arguments, PermissionFacts? facts, string? shellDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        if (shellDirectory is not null && !Path.IsPathFullyQualified(shellDirectory))
        {
            throw new ArgumentException($"The shell directory '{shellDirectory}' must be an absolute path.", nameof(shellDirectory));
        }
        var call = new ToolCall(toolName, arguments, this, shellDirectory is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(shellDirectory)), facts);
        var mode = EffectiveMode;

        if (Find(call, PermissionBehavior.Deny) is (var denyRule, var denyLayer))
        {
            return new PermissionDecision(PermissionBehavior.Deny, denyRule, denyLayer, $"Denied by rule '{denyRule}' from {denyRule.Source}");
        }
        if (mode == PermissionMode.Plan && (ToolNames.IsEditFamily(toolName) || toolName == ToolNames.KillShell))
        {
            return new PermissionDecision(PermissionBehavior.Deny, null, null, $"Plan mode: {toolName} is not available while planning");
        }
        var askInstead = mode == PermissionMode.DontAsk || (mode == PermissionMode.Plan && toolName == ToolNames.Bash);
        var modeName = mode.ToSettingsName();

        // Asks that no allow rule and no mode can skip: protected paths, and Bash commands the rules cannot see through.
        var mustAsk = toolName switch
        {
            ToolNames.Bash => BashMustAsk(call, UnseenCoveredBySandbox(call)),
            ToolNames.Grep => SearchMustAsk(call),
            _ when ToolNames.IsEditFamily(toolName) && call.FullPath is { } target && (IsProtected(target) || (call.RealPath is { } real && IsProtected(real))) =>
                $"{target} is a protected path (.git internals and the .forge/.claude settings are never changed without asking)",
            _ => null,
        };
        if (mustAsk is not null)
        {
            return askInstead
                ? new PermissionDecision(PermissionBehavior.Deny, null, null, $"Denied in {modeName} mode: {mustAsk}")
                : new PermissionDecision(PermissionBehavior.Ask, null, null, $"Asking because {mustAsk}");
        }
        if (mode == PermissionMode.Plan && toolName == ToolNames.Bash && call.Analysis is { } planned)
        {
            return ReadOnlyReason(call, planned) is { } notReadOnly
                ? new PermissionDecision(PermissionBehavior.Deny, null, null, $"Plan mode: only read-only commands run while planning; {notReadOnly}")
                : new PermissionDecision(PermissionBehavior.Allow, null, null, "Allowed in plan mode: a read-only command");
        }
        if (mode == PermissionMode.BypassPermissions)
        {
            return new PermissionDecision(PermissionBehavior.Allow, null, null, "Allowed by bypassPermissions mode");
        }
        if (Find(call, PermissionBehavior.Ask) is (var askRule, var askLayer))
        {
            return askInstead
                ? new PermissionDecision(PermissionBehavior.Deny, askRule, askLayer, $"Denied in {modeName} mode: rule '{askRule}' from {askRule.Source} requires confirmation")
                : new PermissionDecision(PermissionBehavior.Ask, askRule, askLayer, $"Rule '{askRule}' from {askRule.Source} requires confirmation");
        }
        if (mode == PermissionMode.AcceptEdits && ToolNames.IsEditFamily(toolName) && call.FullPath is { } path && IsInsideWorkspace(path) &&
            (call.RealPath is not { } realPath || IsInsideWorkspace(realPath)))
        {
            return new PermissionDecision(PermissionBehavior.Allow, null, null, $"Allowed by acceptEdits mode: {path} is inside the workspace");
        }
        if (FindAllow(call, mode) is { } allowed)
        {
            return allowed;
        }
        if (toolName == ToolNames.Bash && call.Analysis is { } analysis && OutsideWrite(call, analysis) is { } outside)
        {
            return askInstead
                ? new PermissionDecision(PermissionBehavior.Deny, null, null, $"Denied in {modeName} mode: {outside}")
                : new PermissionDecision(PermissionBehavior.Ask, null, null, $"Asking because {outside}");
        }
        return askInstead
            ? new PermissionDecision(PermissionBehavior.Deny, null, null, $"Denied in {modeName} mode: no rule allows {toolName}")
            : PermissionDecision.Default(toolName);
    }

    /// <summary>
    /// Maps a real path below the real working directory back below <see cref="WorkingDirectory"/> (when the working
    /// directory itself is reached through a symbolic link), or null.
    /// </summary>
    internal string? ToLexicalWorkspace(string realPath)
    {
        var realCwd = _realWorkspace.Value[0];
        if (realCwd == WorkingDirectory || !PathText.IsUnderOrSame(realPath, realCwd))
        {
            return null;
        }
        return WorkingDirectory + realPath[realCwd.Length..];
    }

    /// <summary>
    /// Paths the model may never change without asking, in every mode: git's internals (anything inside a
    /// <c>.git</c> directory, or the <c>.git</c> entry itself) and the settings files of <c>.forge</c> and
    /// <c>.claude</c> (they hold permission rules and hooks). The working tree of a repository is not protected.
    /// </summary>
    public static bool IsProtected(string fullPath)
    {
        var parts = fullPath.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i] == ".git")
            {
                return true;
            }
            if (ForgeFiles.IsConfigDirectory(parts[i]) && i + 1 < parts.Length)
            {
                var name = parts[i + 1];
                if (name.StartsWith("settings", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal) ||
                    name is "hooks" or "managed-settings.json")
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Why a Bash command must ask whatever the rules and mode say (except a matching deny rule, checked before), or
    /// null: it runs code the rules cannot see; a path a deny rule may cover is computed or ambiguous; it writes a
    /// protected path.
    /// </summary>
    private string? BashMustAsk(ToolCall call, bool sandboxCovers)
    {
        if (call.Analysis is not { } analysis)
        {
            return null;
        }
        if (analysis.Opaque is { } opaque && !sandboxCovers)
        {
            return opaque;
        }
        foreach (var p in analysis.Paths)
        {
            if (p.Access == PathAccess.Look)
            {
                continue;
            }
            if (p.Access == PathAccess.Write && p.Candidates is { } written && written.Any(IsProtected))
            {
                return $"it writes '{p.Written}', a protected path (.git internals and the .forge/.claude settings)";
            }
            if (sandboxCovers)
            {
                continue; // the sandbox hides or protects whatever a deny rule matches when the command runs
            }
            foreach (var layer in _layers)
            {
                foreach (var rule in layer.Deny)
                {
                    if (!rule.AppliesTo(p.Access))
                    {
                        continue;
                    }
                    if (p.Candidates is null)
                    {
                        return $"'{p.Written}' is only known when the command runs, and deny rule '{rule}' could match it";
                    }
                    foreach (var candidate in p.Candidates)
                    {
                        if (!p.Certain && rule.MatchesFullPath(candidate, this, p.Recursive))
                        {
                            return $"'{p.Written}' may be {candidate} (the directory changes within the command), which deny rule '{rule}' matches";
                        }
                        if (p.Recursive && rule.MayMatchUnder(candidate, this))
                        {
                            return $"the command reads or changes everything under {candidate}, where deny rule '{rule}' may match";
                        }
                    }
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the sandbox answers for what the parser cannot see in this Bash call: Bash as a whole is allowed (a bare
    /// <c>Bash</c> allow rule, or bypassPermissions mode; a prefix rule such as <c>Bash(echo *)</c> never admits a hidden
    /// command), the sandbox enforces every deny rule of this snapshot, and the mode is not plan (which needs a command
    /// proven read-only).
    /// </summary>
    private bool UnseenCoveredBySandbox(ToolCall call)
    {
        if (call.ToolName != ToolNames.Bash || !SandboxEnforcesDenyRules || EffectiveMode == PermissionMode.Plan || !SandboxPlan.EnforcesEveryDenyRule)
        {
            return false;
        }
        if (EffectiveMode == PermissionMode.BypassPermissions)
        {
            return true;
        }
        foreach (var layer in _layers)
        {
            foreach (var rule in layer.Allow)
            {
                if (rule.IsWholeTool && rule.Matches(call))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Grep reads every file below its directory: when a Read deny rule may match something there (and did not match
    /// the directory itself, checked before), ask.
    /// </summary>
    private string? SearchMustAsk(ToolCall call)
    {
        if (call.FullPath is not { } path)
        {
            return null;
        }
        var real = call.RealPath ?? path;
        foreach (var layer in _layers)
        {
            foreach (var rule in layer.Deny)
            {
                if (rule.AppliesTo(PathAccess.Read) && (rule.MayMatchUnder(path, this) || rule.MayMatchUnder(real, this)))
                {
                    return $"the search reads every file under {path}, where deny rule '{rule}' may match";
                }
            }
        }
        return null;
    }

    /// <summary>Why the Bash command is not wholly read-only inside the workspace, or null if it is.</summary>
    private string? ReadOnlyReason(ToolCall call, BashAnalysis analysis)
    {
        for (var i = 0; i < analysis.Commands.Count; i++)
        {
            if (SubcommandReadOnlyReason(call, analysis, i, allowWrites: false) is { } reason)
            {
                return reason;
            }
        }
        return null;
    }

    /// <summary>
    /// Why subcommand <paramref name="index"/> is not covered by the built-in read-only set (<see cref="BashReadOnly"/>),
    /// or reads outside the workspace without a Read allow rule; null if neither.
    /// </summary>
    private string? SubcommandReadOnlyReason(ToolCall call, BashAnalysis analysis, int index, bool allowWrites)
    {
        if (BashReadOnly.WhyNot(analysis, index, allowWrites) is { } reason)
        {
            return reason;
        }
        foreach (var p in analysis.Paths)
        {
            if (p.Subcommand != index || p.Access == PathAccess.Write)
            {
                continue; // writes (acceptEdits only) are checked with every write by OutsideWrite
            }
            foreach (var candidate in p.Candidates!)
            {
                if (!IsInsideWorkspace(candidate) && !IsReadAllowedByRule(call, candidate))
                {
                    return $"it reads {candidate}, outside the working directory and the additional directories";
                }
            }
        }
        return null;
    }

    private bool IsReadAllowedByRule(ToolCall call, string path)
    {
        foreach (var layer in _layers)
        {
            foreach (var rule in layer.Allow)
            {
                if (rule.Kind == PermissionRuleKind.Path && rule.ToolPattern == ToolNames.Read && rule.MatchesFullPath(path, call.Policy))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private bool IsWriteAllowedByRule(ToolCall call, string path)
    {
        foreach (var layer in _layers)
        {
            foreach (var rule in layer.Allow)
            {
                if (rule.Kind == PermissionRuleKind.Path && ToolNames.IsEditFamily(rule.ToolPattern) && rule.MatchesFullPath(path, call.Policy))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Why a write of the Bash command is not allowed without asking (unknown or outside the workspace), or null.</summary>
    private string? OutsideWrite(ToolCall call, BashAnalysis analysis)
    {
        foreach (var p in analysis.Paths)
        {
            if (p.Access != PathAccess.Write)
            {
                continue;
            }
            if (p.Candidates is null)
            {
                if (UnseenCoveredBySandbox(call))
                {
                    continue; // the sandbox lets it write only inside the workspace, and not what a deny rule protects
                }
                return $"the command writes '{p.Written}', which is only known when it runs";
            }
            foreach (var candidate in p.Candidates)
            {
                if (!IsInsideWorkspace(candidate) && !IsWriteAllowedByRule(call, candidate))
                {
                    return $"the command writes {candidate}, outside the working directory and the additional directories";
                }
            }
        }
        return null;
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
    /// The allow decision, or null. A Bash call is allowed when every subcommand is covered, each by an allow rule (a
    /// whole-tool <c>Bash</c> rule or a pattern), by the built-in read-only set (every path it reads inside the
    /// workspace), or in acceptEdits mode by a file-system command (mkdir, touch, mv, cp) inside the workspace; and
    /// every file it writes is inside the workspace or allowed by an Edit rule. The deciding rule is the one that
    /// covered the first subcommand a rule covered.
    /// </summary>
    private PermissionDecision? FindAllow(ToolCall call, PermissionMode mode)
    {
        if (call.ToolName != ToolNames.Bash || call.Bash is not { } bash || call.Analysis is not { } analysis)
        {
            return Find(call, PermissionBehavior.Allow) is (var rule, var layer)
                ? new PermissionDecision(PermissionBehavior.Allow, rule, layer, $"Allowed by rule '{rule}' from {rule.Source}")
                : null;
        }
        var subcommands = bash.Subcommands;
        var cover = new (PermissionRule Rule, PermissionLayer Layer)?[subcommands.Count];
        var uncovered = subcommands.Count;
        (PermissionRule Rule, PermissionLayer Layer)? wholeTool = null;
        for (var i = 0; i < _layers.Length && uncovered > 0 && wholeTool is null; i++)
        {
            foreach (var rule in _layers[i].Allow)
            {
                if (rule.Kind != PermissionRuleKind.BashCommand)
                {
                    if (rule.IsWholeTool && rule.Matches(call))
                    {
                        wholeTool = (rule, LayerOrder[i]);
                        break;
                    }
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
        if (OutsideWrite(call, analysis) is not null)
        {
            return null;
        }
        if (wholeTool is var (toolRule, toolLayer))
        {
            return new PermissionDecision(PermissionBehavior.Allow, toolRule, toolLayer, $"Allowed by rule '{toolRule}' from {toolRule.Source}");
        }
        var builtIn = new string?[subcommands.Count];
        for (var j = 0; j < subcommands.Count; j++)
        {
            if (cover[j] is not null)
            {
                continue;
            }
            if (SubcommandReadOnlyReason(call, analysis, j, allowWrites: mode == PermissionMode.AcceptEdits) is null)
            {
                builtIn[j] = "read-only";
            }
            else if (mode == PermissionMode.AcceptEdits && IsWorkspaceFileSystemEdit(call, analysis, j))
            {
                builtIn[j] = "acceptEdits";
            }
            else
            {
                return null;
            }
        }
        var ruled = cover.Where(c => c is not null).Select(c => c!.Value).ToList();
        if (ruled.Count == 0)
        {
            var kinds = builtIn.Distinct().ToList();
            return new PermissionDecision(PermissionBehavior.Allow, null, null, kinds.Count == 1 && kinds[0] == "read-only"
                ? "Allowed: a read-only command inside the workspace"
                : "Allowed by acceptEdits mode: file-system commands and read-only commands inside the workspace");
        }
        var (first, firstLayer) = ruled[0];
        var rules = ruled.Select(c => c.Rule).Distinct().ToList();
        var reason = rules.Count == 1 && builtIn.All(b => b is null)
            ? $"Allowed by rule '{first}' from {first.Source}"
            : "Allowed: every subcommand is allowed, by " + string.Join(", ", rules.Select(r => $"'{r}' from {r.Source}")) +
              (builtIn.Any(b => b is not null) ? " and the built-in read-only set" : "");
        return new PermissionDecision(PermissionBehavior.Allow, first, firstLayer, reason);
    }

    /// <summary>acceptEdits: mkdir, touch, mv or cp whose every path is known and inside the workspace.</summary>
    private bool IsWorkspaceFileSystemEdit(ToolCall call, BashAnalysis analysis, int index)
    {
        var facts = analysis.Commands[index];
        if (!facts.FileSystemEdit || !facts.PrefixSafe || facts.Opaque is not null)
        {
            return false;
        }
        foreach (var p in analysis.Paths)
        {
            if (p.Subcommand == index && (p.Candidates is null || p.Candidates.Any(c => !IsInsideWorkspace(c))))
            {
                return false;
            }
        }
        return call.Analysis is not null;
    }

    /// <summary>Whether the path is below the working directory or an additional directory (as given or as real paths).</summary>
    internal bool IsInsideWorkspace(string path)
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
        foreach (var directory in _realWorkspace.Value)
        {
            if (IsUnder(path, directory))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsUnder(string path, string directory) => PathText.IsUnderOrSame(PathText.Normalize(path), PathText.Normalize(directory));

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
