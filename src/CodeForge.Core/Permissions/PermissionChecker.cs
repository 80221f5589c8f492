using System.Collections.Immutable;
using System.Text.Json;

namespace CodeForge.Core.Permissions;

/// <summary>
/// Decides whether a tool call may run (allow / ask / deny) from layered rule sets, and holds the session rules that the
/// user adds while working. Every decision is made on one immutable <see cref="PermissionPolicy"/> snapshot.
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> All members may be called from any number of threads concurrently.</para>
/// <list type="bullet">
/// <item><see cref="Check(string, JsonElement)"/>, <see cref="IsToolDenied"/>, <see cref="Policy"/> and
/// <see cref="SessionRules"/> never lock and never block: they read the current snapshot once (a volatile read) and
/// work on it alone. A check racing a change therefore sees the rules wholly before or wholly after that change, never a
/// mix, and once a thread has seen a change it never sees an older snapshot again.</item>
/// <item>Mutations (<see cref="AddSessionRule(PermissionRule)"/>, <see cref="RemoveSessionRule"/>,
/// <see cref="ClearSessionRules"/>, <see cref="ReplaceLayer"/>, <see cref="SetMode"/>, <see cref="Update"/>) are
/// serialized by a private lock, build a new snapshot from the current one and publish it with a volatile write; each is
/// atomic and linearizable, and none is lost. Nothing is awaited or called back while the lock is held (except the pure
/// function given to <see cref="Update"/>).</item>
/// <item>Adding a session rule is idempotent: one entry per rule text; re-adding the same text with another behavior
/// replaces the entry in place, atomically.</item>
/// </list>
/// </remarks>
public sealed class PermissionChecker
{
    private readonly object _gate = new();
    private PermissionPolicy _policy;

    /// <summary>A checker for the process's working directory and the user's home, with the built-in defaults.</summary>
    public PermissionChecker()
        : this(Environment.CurrentDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
    {
    }

    /// <summary>A checker with the built-in defaults and the given directories (the home directory is injected for tests).</summary>
    public PermissionChecker(string workingDirectory, string homeDirectory, PermissionRuleSet? defaults = null)
        : this(PermissionPolicy.Create(workingDirectory, homeDirectory, defaults))
    {
    }

    public PermissionChecker(PermissionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
    }

    /// <summary>The current snapshot.</summary>
    public PermissionPolicy Policy => Volatile.Read(ref _policy);

    /// <summary>The session rules, in the order they were added.</summary>
    public ImmutableArray<PermissionRule> SessionRules => Policy.Session.Rules;

    /// <summary>Decides a tool call against the current snapshot; never null, never blocks.</summary>
    /// <param name="toolName">The real tool name (<c>Bash</c>, <c>Read</c>, <c>mcp__server__tool</c>, …).</param>
    /// <param name="arguments">The call's arguments as the model sent them (a JSON object), or default for none.</param>
    public PermissionDecision Check(string toolName, JsonElement arguments) => Policy.Evaluate(toolName, arguments);

    /// <summary>
    /// Decides a tool call against the current snapshot; for Bash, relative paths in the command are resolved against
    /// <paramref name="shellDirectory"/> (the directory the shell is in when the command starts), if given.
    /// </summary>
    public PermissionDecision Check(string toolName, JsonElement arguments, string? shellDirectory) =>
        Policy.Evaluate(toolName, arguments, shellDirectory);

    /// <summary>Decides a tool call whose tool declared <paramref name="facts"/> (see <see cref="PermissionFacts"/>).</summary>
    public PermissionDecision Check(string toolName, JsonElement arguments, PermissionFacts? facts) =>
        Policy.Evaluate(toolName, arguments, facts);

    /// <summary>Decides a call without arguments.</summary>
    public PermissionDecision Check(string toolName) => Policy.Evaluate(toolName, default);

    /// <summary>True when a bare deny rule removes the tool entirely (the tool can be hidden from the model).</summary>
    public bool IsToolDenied(string toolName) => Policy.IsToolDenied(toolName);

    /// <summary>Parses <paramref name="ruleText"/> as a session rule and adds it (see <see cref="AddSessionRule(PermissionRule)"/>).</summary>
    /// <exception cref="PermissionRuleException">The rule is malformed.</exception>
    public PermissionRule AddSessionRule(PermissionBehavior behavior, string ruleText)
    {
        var rule = PermissionRule.Parse(ruleText, behavior, RuleSource.Session);
        AddSessionRule(rule);
        return rule;
    }

    /// <summary>
    /// Adds a session rule. Idempotent: if a rule with the same text and behavior is there, nothing changes (false); if the
    /// same text is there with another behavior, it is replaced in place; otherwise the rule is appended.
    /// </summary>
    /// <returns>True if the session rules changed.</returns>
    public bool AddSessionRule(PermissionRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_gate)
        {
            var current = _policy;
            var rules = current.Session.Rules;
            var index = IndexOf(rules, rule.Text);
            if (index >= 0 && rules[index].Behavior == rule.Behavior)
            {
                return false;
            }
            var next = index >= 0 ? rules.SetItem(index, rule) : rules.Add(rule);
            Volatile.Write(ref _policy, current.WithLayer(PermissionLayer.Session, PermissionRuleSet.Create(next)));
            return true;
        }
    }

    /// <summary>Removes the session rule with this text (whatever its behavior).</summary>
    /// <returns>True if a rule was removed.</returns>
    public bool RemoveSessionRule(string ruleText)
    {
        ArgumentNullException.ThrowIfNull(ruleText);
        var text = ruleText.Trim();
        lock (_gate)
        {
            var current = _policy;
            var rules = current.Session.Rules;
            var index = IndexOf(rules, text);
            if (index < 0)
            {
                return false;
            }
            Volatile.Write(ref _policy, current.WithLayer(PermissionLayer.Session, PermissionRuleSet.Create(rules.RemoveAt(index))));
            return true;
        }
    }

    /// <summary>Removes every session rule at once.</summary>
    /// <returns>How many rules were removed.</returns>
    public int ClearSessionRules()
    {
        lock (_gate)
        {
            var current = _policy;
            var count = current.Session.Count;
            if (count > 0)
            {
                Volatile.Write(ref _policy, current.WithLayer(PermissionLayer.Session, PermissionRuleSet.Empty));
            }
            return count;
        }
    }

    /// <summary>Replaces a whole layer (a settings file was loaded or reloaded). Session rules are changed with the session methods.</summary>
    public void ReplaceLayer(PermissionLayer layer, PermissionRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (layer == PermissionLayer.Session)
        {
            throw new ArgumentException("Session rules are changed with AddSessionRule, RemoveSessionRule and ClearSessionRules.", nameof(layer));
        }
        Update(policy => policy.WithLayer(layer, rules));
    }

    /// <summary>Switches the permission mode.</summary>
    public void SetMode(PermissionMode mode) => Update(policy => policy.WithMode(mode));

    /// <summary>
    /// Applies <paramref name="change"/> to the current snapshot and publishes the result, atomically with respect to every
    /// other mutation. <paramref name="change"/> runs under the lock: it must be a quick pure function.
    /// </summary>
    public PermissionPolicy Update(Func<PermissionPolicy, PermissionPolicy> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            var next = change(_policy) ?? throw new InvalidOperationException("The policy update returned null.");
            Volatile.Write(ref _policy, next);
            return next;
        }
    }

    private static int IndexOf(ImmutableArray<PermissionRule> rules, string text)
    {
        for (var i = 0; i < rules.Length; i++)
        {
            if (string.Equals(rules[i].Text, text, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
