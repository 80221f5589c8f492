using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CodeForge.Core.Permissions;

/// <summary>What a rule's specifier matches.</summary>
public enum PermissionRuleKind
{
    /// <summary><c>Tool</c>: every call of the tool (<c>Edit</c> also covers Write, MultiEdit and NotebookEdit).</summary>
    Tool,

    /// <summary><c>*</c>, <c>mcp__*</c>, <c>mcp__server__*</c>: a glob over the full tool name.</summary>
    ToolGlob,

    /// <summary><c>mcp__server</c>: every tool of one MCP server.</summary>
    McpServer,

    /// <summary><c>Bash(npm run *)</c>: a command pattern.</summary>
    BashCommand,

    /// <summary><c>Read(./.env)</c>, <c>Edit(/src/**)</c>: a gitignore-style path pattern.</summary>
    Path,

    /// <summary><c>WebFetch(domain:example.com)</c>.</summary>
    Domain,

    /// <summary><c>Tool(param:value)</c>: a top-level argument (deny and ask only).</summary>
    Parameter,

    /// <summary><c>Task(Explore)</c> / <c>Agent(Explore)</c>: the subagent type.</summary>
    Subagent,
}

/// <summary>
/// One permission rule in Claude Code's grammar: <c>Tool</c> or <c>Tool(specifier)</c>, belonging to the allow, ask or
/// deny list of a <see cref="RuleSource"/>. Parse with <see cref="Parse"/> or <see cref="TryParse"/>; a malformed rule is
/// a <see cref="PermissionRuleException"/> naming the rule, its source and the reason.
/// </summary>
/// <remarks>
/// Immutable: a rule may be shared by any number of threads and policies and matched concurrently.
/// <para>Grammar (Claude Code's <c>permissions</c> rules):</para>
/// <list type="bullet">
/// <item><c>Bash(cmd)</c> matches exactly; <c>*</c> matches any sequence (spaces included); a trailing <c> *</c> needs a
/// word boundary (<c>Bash(ls *)</c> matches <c>ls -la</c> and <c>ls</c>, not <c>lsof</c>); <c>:*</c> at the end equals
/// <c> *</c>. Compound commands: every subcommand must be matched by an allow rule (not necessarily the same one) for
/// the call to be allowed; a deny or ask rule matches if it matches any subcommand (see <see cref="BashCommand"/>).</item>
/// <item>Path tools (Read, Edit, Write, MultiEdit, NotebookEdit, Glob, Grep): gitignore patterns with <c>//abs</c>,
/// <c>~/home</c>, <c>/settings-base</c>, <c>./cwd</c> or bare anchors. Read rules cover Glob and Grep; Edit rules cover
/// Write, MultiEdit and NotebookEdit; a Read deny also blocks the edit tools on the path; Edit and Write deny and ask rules
/// (and Read deny rules) also apply to files a Bash command writes by output redirection.</item>
/// <item><c>WebFetch(domain:example.com)</c> exact host; <c>domain:*.example.com</c> subdomains at any depth, not the
/// domain itself; <c>domain:*</c> every host.</item>
/// <item><c>mcp__server</c> and <c>mcp__server__*</c> every tool of a server; <c>mcp__server__tool</c> one tool.</item>
/// <item>Tool-name globs (<c>*</c>, <c>mcp__*</c>) in deny and ask rules; in allow rules only after a literal
/// <c>mcp__server__</c>.</item>
/// <item><c>Tool(param:value)</c> (deny and ask only) matches a top-level argument (<c>*</c> wildcards); content fields
/// (<c>command</c>, <c>file_path</c>, <c>path</c>, <c>notebook_path</c>, <c>url</c>) cannot be named. For Bash, a
/// snake_case name followed by a value without spaces (other than <c>*</c>) is read as a parameter rule.</item>
/// </list>
/// </remarks>
public sealed partial class PermissionRule
{
    private readonly PathPattern? _path;
    private readonly string? _value;
    private readonly bool _wordBoundary;

    private PermissionRule(
        string text, PermissionBehavior behavior, RuleSource source, string tool, string? specifier,
        PermissionRuleKind kind, string? parameter = null, string? value = null, PathPattern? path = null)
    {
        Text = text;
        Behavior = behavior;
        Source = source;
        ToolPattern = tool;
        Specifier = specifier;
        Kind = kind;
        Parameter = parameter;
        _value = value;
        _path = path;
        _wordBoundary = kind == PermissionRuleKind.BashCommand && value!.EndsWith(" *", StringComparison.Ordinal);
    }

    /// <summary>The rule as written (trimmed); two rules with the same text and behavior are the same rule.</summary>
    public string Text { get; }

    /// <summary>The list the rule belongs to.</summary>
    public PermissionBehavior Behavior { get; }

    /// <summary>Where the rule was written.</summary>
    public RuleSource Source { get; }

    /// <summary>The tool-name part (a name, an MCP server prefix or a glob).</summary>
    public string ToolPattern { get; }

    /// <summary>The text between the parentheses, or null for a bare tool rule.</summary>
    public string? Specifier { get; }

    public PermissionRuleKind Kind { get; }

    /// <summary>The argument name of a <see cref="PermissionRuleKind.Parameter"/> rule.</summary>
    public string? Parameter { get; }

    /// <summary>The command pattern of a <see cref="PermissionRuleKind.BashCommand"/> rule (<c>:*</c> written as <c> *</c>), else null.</summary>
    internal string? CommandPattern => Kind == PermissionRuleKind.BashCommand ? _value : null;

    /// <summary>The path pattern of a <see cref="PermissionRuleKind.Path"/> rule, else null.</summary>
    internal PathPattern? PathPattern => _path;

    /// <summary>True for rules about a whole tool (no specifier): a deny of this kind removes the tool entirely.</summary>
    public bool IsWholeTool => Kind is PermissionRuleKind.Tool or PermissionRuleKind.ToolGlob or PermissionRuleKind.McpServer;

    public override string ToString() => Text;

    /// <summary>Parses <paramref name="text"/> as a rule of the <paramref name="behavior"/> list.</summary>
    /// <exception cref="PermissionRuleException">The rule is malformed (the message names the rule, source and reason).</exception>
    public static PermissionRule Parse(string text, PermissionBehavior behavior, RuleSource source) =>
        TryParse(text, behavior, source, out var rule, out var error) ? rule : throw error;

    /// <summary>Parses without throwing; on failure <paramref name="error"/> names the rule, its source and the reason.</summary>
    public static bool TryParse(
        string? text, PermissionBehavior behavior, RuleSource source,
        [NotNullWhen(true)] out PermissionRule? rule, [NotNullWhen(false)] out PermissionRuleException? error)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!Enum.IsDefined(behavior))
        {
            throw new ArgumentOutOfRangeException(nameof(behavior), behavior, "Unknown permission behavior.");
        }
        var trimmed = text?.Trim() ?? "";
        rule = Build(trimmed, behavior, source, out var reason);
        error = rule is null ? new PermissionRuleException(text ?? "(null)", source, reason!) : null;
        return rule is not null;
    }

    private static PermissionRule? Build(string text, PermissionBehavior behavior, RuleSource source, out string? reason)
    {
        reason = null;
        if (text.Length == 0)
        {
            reason = "empty rule";
            return null;
        }
        string tool;
        string? spec = null;
        var open = text.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            if (text.Contains(')', StringComparison.Ordinal))
            {
                reason = "unbalanced parenthesis: ')' without '('";
                return null;
            }
            tool = text;
        }
        else
        {
            if (text[^1] != ')')
            {
                reason = "unbalanced parenthesis: the '(' after the tool name must be closed by the rule's last character";
                return null;
            }
            tool = text[..open];
            spec = text[(open + 1)..^1];
            if (!Balanced(spec))
            {
                reason = "unbalanced parenthesis in the specifier";
                return null;
            }
            if (spec.Trim().Length == 0)
            {
                reason = $"empty specifier '()'; write the bare tool name '{tool}' to match every call";
                return null;
            }
        }

        if (tool.Length == 0)
        {
            reason = "empty tool name";
            return null;
        }
        foreach (var c in tool)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '*'))
            {
                reason = $"invalid character '{c}' in tool name '{tool}'";
                return null;
            }
        }
        if (ToolNames.Misspelled(tool) is { } known)
        {
            reason = $"unknown tool '{tool}': tool names are case-sensitive; did you mean '{known}'?";
            return null;
        }

        if (tool.Contains('*', StringComparison.Ordinal))
        {
            return BuildToolGlob(text, behavior, source, tool, spec, out reason);
        }
        if (tool.StartsWith(ToolNames.McpPrefix, StringComparison.Ordinal))
        {
            return BuildMcp(text, behavior, source, tool, spec, out reason);
        }
        if (spec is null)
        {
            return new PermissionRule(text, behavior, source, tool, null, PermissionRuleKind.Tool);
        }
        if (TryBuildParameter(text, behavior, source, tool, spec, out var parameterRule, out reason))
        {
            return parameterRule;
        }
        if (reason is not null)
        {
            return null;
        }

        switch (tool)
        {
            case ToolNames.Bash:
                return BuildBash(text, behavior, source, spec, out reason);
            case ToolNames.WebFetch:
                return BuildDomain(text, behavior, source, spec, out reason);
            case ToolNames.Task or ToolNames.Agent:
                return new PermissionRule(text, behavior, source, tool, spec, PermissionRuleKind.Subagent, value: spec.Trim());
            default:
                if (ToolNames.IsPathTool(tool))
                {
                    var path = PathPattern.Parse(spec.Trim(), behavior, source, out reason);
                    return path is null ? null : new PermissionRule(text, behavior, source, tool, spec, PermissionRuleKind.Path, path: path);
                }
                reason = $"'{tool}' takes no specifier; use the bare name, or {tool}(param:value) in a deny or ask rule";
                return null;
        }
    }

    private static bool Balanced(string spec)
    {
        var depth = 0;
        foreach (var c in spec)
        {
            depth += c switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth < 0)
            {
                return false;
            }
        }
        return depth == 0;
    }

    private static PermissionRule? BuildToolGlob(string text, PermissionBehavior behavior, RuleSource source, string tool, string? spec, out string? reason)
    {
        reason = null;
        if (spec is not null)
        {
            reason = "a tool-name glob cannot take a specifier";
            return null;
        }
        if (behavior == PermissionBehavior.Allow)
        {
            var afterPrefix = tool.StartsWith(ToolNames.McpPrefix, StringComparison.Ordinal) ? tool[ToolNames.McpPrefix.Length..] : null;
            var separator = afterPrefix?.IndexOf("__", StringComparison.Ordinal) ?? -1;
            if (afterPrefix is null || separator <= 0 || afterPrefix.IndexOf('*', StringComparison.Ordinal) < separator + 2)
            {
                reason = "tool-name globs are only allowed in allow rules after a literal mcp__<server>__ prefix (use a deny or ask rule, or mcp__<server>__*)";
                return null;
            }
        }
        return new PermissionRule(text, behavior, source, tool, null, PermissionRuleKind.ToolGlob);
    }

    private static PermissionRule? BuildMcp(string text, PermissionBehavior behavior, RuleSource source, string tool, string? spec, out string? reason)
    {
        reason = null;
        var rest = tool[ToolNames.McpPrefix.Length..];
        if (rest.Length == 0 || rest.StartsWith("__", StringComparison.Ordinal))
        {
            reason = "missing MCP server name after 'mcp__'";
            return null;
        }
        if (rest.EndsWith("__", StringComparison.Ordinal))
        {
            reason = "missing MCP tool name after 'mcp__<server>__' (use mcp__<server> for every tool of the server)";
            return null;
        }
        var isServer = !rest.Contains("__", StringComparison.Ordinal);
        if (spec is null)
        {
            return new PermissionRule(text, behavior, source, tool, null, isServer ? PermissionRuleKind.McpServer : PermissionRuleKind.Tool);
        }
        if (!isServer && TryBuildParameter(text, behavior, source, tool, spec, out var rule, out reason))
        {
            return rule;
        }
        reason ??= "an MCP rule takes no specifier other than a parameter rule mcp__<server>__<tool>(param:value) in a deny or ask list";
        return null;
    }

    /// <summary>
    /// Recognises <c>param:value</c>. Returns false with a null reason when the specifier is not a parameter rule, false
    /// with a reason when it is a malformed one.
    /// </summary>
    private static bool TryBuildParameter(
        string text, PermissionBehavior behavior, RuleSource source, string tool, string spec,
        [NotNullWhen(true)] out PermissionRule? rule, out string? reason)
    {
        rule = null;
        reason = null;
        var match = ParameterSpec().Match(spec.Trim());
        if (!match.Success)
        {
            return false;
        }
        var name = match.Groups[1].Value;
        var value = match.Groups[2].Value;
        if (tool == ToolNames.WebFetch && name == "domain")
        {
            return false;
        }
        if (tool == ToolNames.Bash && (value == "*" || value.Any(char.IsWhiteSpace)))
        {
            return false; // Bash(ls:*) and Bash(npm run:* ...) are command patterns
        }
        if (ToolNames.IsPathTool(tool) && name.Length < 2)
        {
            return false; // a drive letter, not a parameter
        }
        if (ToolNames.ContentFields.Contains(name))
        {
            reason = $"'{name}' is a content field and cannot be matched by a parameter rule; write {tool}(<pattern>) instead";
            return false;
        }
        if (behavior == PermissionBehavior.Allow)
        {
            reason = "parameter rules (Tool(param:value)) are only allowed in deny and ask lists";
            return false;
        }
        rule = new PermissionRule(text, behavior, source, tool, spec, PermissionRuleKind.Parameter, name, value);
        return true;
    }

    private static PermissionRule? BuildBash(string text, PermissionBehavior behavior, RuleSource source, string spec, out string? reason)
    {
        reason = null;
        var pattern = string.Join(' ', spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var colonStar = pattern.IndexOf(":*", StringComparison.Ordinal);
        if (colonStar >= 0)
        {
            if (colonStar != pattern.Length - 2)
            {
                reason = "':*' is only recognized at the end of a Bash pattern";
                return null;
            }
            pattern = pattern[..colonStar].TrimEnd();
            if (pattern.Length == 0)
            {
                reason = "empty command before ':*'";
                return null;
            }
            pattern += " *";
        }
        return new PermissionRule(text, behavior, source, ToolNames.Bash, spec, PermissionRuleKind.BashCommand, value: pattern);
    }

    private static PermissionRule? BuildDomain(string text, PermissionBehavior behavior, RuleSource source, string spec, out string? reason)
    {
        reason = null;
        var trimmed = spec.Trim();
        if (!trimmed.StartsWith("domain:", StringComparison.Ordinal))
        {
            reason = "a WebFetch specifier must be domain:<host> (or param:value in a deny or ask rule)";
            return null;
        }
        var domain = trimmed["domain:".Length..].Trim().ToLower(CultureInfo.InvariantCulture);
        if (domain != "*" && !DomainSpec().IsMatch(domain))
        {
            reason = $"bad domain '{domain}': write a host name such as example.com, *.example.com for its subdomains, or * for all";
            return null;
        }
        return new PermissionRule(text, behavior, source, ToolNames.WebFetch, spec, PermissionRuleKind.Domain, value: domain);
    }

    [GeneratedRegex(@"^([a-z_][a-z0-9_]*):(\S.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterSpec();

    [GeneratedRegex(@"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainSpec();

    /// <summary>Whether this rule applies to the call.</summary>
    internal bool Matches(ToolCall call)
    {
        var tool = call.ToolName;
        switch (Kind)
        {
            case PermissionRuleKind.Tool:
                return tool == ToolPattern || (ToolPattern == ToolNames.Edit && ToolNames.IsEditFamily(tool));
            case PermissionRuleKind.ToolGlob:
                return Wildcard.Matches(ToolPattern, tool);
            case PermissionRuleKind.McpServer:
                return tool.StartsWith(ToolPattern, StringComparison.Ordinal) &&
                       (tool.Length == ToolPattern.Length || tool.AsSpan(ToolPattern.Length).StartsWith("__", StringComparison.Ordinal));
            case PermissionRuleKind.BashCommand:
                return call.Bash is { } bash && MatchesBash(bash);
            case PermissionRuleKind.Path:
                return MatchesPath(call);
            case PermissionRuleKind.Domain:
                return call.Host is { } host && MatchesDomain(host);
            case PermissionRuleKind.Parameter:
                return tool == ToolPattern && call.GetParameterText(Parameter!) is { } text && Wildcard.Matches(_value, text);
            case PermissionRuleKind.Subagent:
                return (tool == ToolPattern || (tool is ToolNames.Task or ToolNames.Agent && ToolPattern is ToolNames.Task or ToolNames.Agent)) &&
                       call.GetString("subagent_type") is { } agent && Wildcard.Matches(_value, agent);
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>*</c> matches any sequence; a pattern ending in <c> *</c> also matches the command without that last argument
    /// (the word boundary: <c>ls *</c> matches <c>ls</c> and <c>ls -la</c>, not <c>lsof</c>).
    /// </summary>
    internal bool MatchesCommand(string command) =>
        Wildcard.Matches(_value, command) || (_wordBoundary && Wildcard.Matches(_value.AsSpan(0, _value!.Length - 2), command));

    private bool MatchesBash(BashCommand bash)
    {
        if (Behavior == PermissionBehavior.Allow)
        {
            if (bash.Incomplete || bash.TooLong)
            {
                return false;
            }
            foreach (var sub in bash.Subcommands)
            {
                if (!MatchesCommand(sub.AllowForm))
                {
                    return false;
                }
            }
            return true;
        }
        if (MatchesCommand(bash.Whole))
        {
            return true;
        }
        foreach (var sub in bash.Subcommands)
        {
            foreach (var form in sub.DenyForms)
            {
                if (MatchesCommand(form))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private bool MatchesPath(ToolCall call)
    {
        var tool = call.ToolName;
        if (tool == ToolNames.Bash)
        {
            // Files a Bash command reads or writes (file readers, writers, redirections), where the text determines them.
            if (Behavior == PermissionBehavior.Allow || call.Analysis is not { } analysis)
            {
                return false;
            }
            foreach (var p in analysis.Paths)
            {
                if (p.Candidates is null || !p.Certain || !AppliesTo(p.Access))
                {
                    continue;
                }
                foreach (var candidate in p.Candidates)
                {
                    if (_path!.Matches(candidate, call.Policy, isDirectory: p.Recursive))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        var applies = ToolPattern switch
        {
            ToolNames.Read => tool is ToolNames.Read or ToolNames.Glob or ToolNames.Grep ||
                              (Behavior == PermissionBehavior.Deny && ToolNames.IsEditFamily(tool)),
            ToolNames.Edit => ToolNames.IsEditFamily(tool),
            _ => tool == ToolPattern,
        };
        if (!applies || call.FullPath is not { } path)
        {
            return false;
        }
        var isDirectory = tool is ToolNames.Glob or ToolNames.Grep;
        var lexical = _path!.Matches(path, call.Policy, isDirectory) || (isDirectory && Behavior != PermissionBehavior.Allow && _path.CoversTree(path, call.Policy));
        var real = call.RealPath is { } r && r != path ? r : null;
        if (real is null)
        {
            return lexical;
        }
        // Through a symbolic link: a deny or ask rule applies if it matches the link or its target; an allow rule only
        // if it matches both (Claude Code's rule).
        var realMatches = _path.Matches(real, call.Policy, isDirectory) || (isDirectory && Behavior != PermissionBehavior.Allow && _path.CoversTree(real, call.Policy)) ||
                          (call.Policy.ToLexicalWorkspace(real) is { } mapped && _path.Matches(mapped, call.Policy, isDirectory));
        return Behavior == PermissionBehavior.Allow ? lexical && realMatches : lexical || realMatches;
    }

    /// <summary>Whether this path rule speaks about a Bash command's access of the given kind.</summary>
    internal bool AppliesTo(PathAccess access) => Kind == PermissionRuleKind.Path && access switch
    {
        PathAccess.Read => ToolPattern == ToolNames.Read,
        PathAccess.Write => ToolNames.IsEditFamily(ToolPattern) || (ToolPattern == ToolNames.Read && Behavior == PermissionBehavior.Deny),
        _ => false,
    };

    /// <summary>Whether this path rule matches the absolute path (a directory when <paramref name="isDirectory"/>).</summary>
    internal bool MatchesFullPath(string fullPath, PermissionPolicy policy, bool isDirectory = false) =>
        _path is not null && _path.Matches(fullPath, policy, isDirectory);

    /// <summary>Whether this path rule may match something at or below <paramref name="directory"/>.</summary>
    internal bool MayMatchUnder(string directory, PermissionPolicy policy) =>
        _path is not null && _path.MayMatchUnder(directory, policy);

    private bool MatchesDomain(string host) =>
        _value == "*" ||
        (_value!.StartsWith("*.", StringComparison.Ordinal) ? host.EndsWith(_value.AsSpan(1), StringComparison.Ordinal) : host == _value);
}
