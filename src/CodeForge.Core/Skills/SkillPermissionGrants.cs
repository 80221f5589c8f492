using System.Collections.Immutable;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Skills;

/// <summary>
/// Applies a skill's <c>allowed-tools</c> while it is active: on each <see cref="SkillTransitionKind.Activated"/>
/// transition of the <see cref="SkillRegistry"/> its rules are added to the <see cref="PermissionChecker"/>'s session
/// layer as allow rules; on the matching <see cref="SkillTransitionKind.Deactivated"/> exactly the rules this object
/// added are removed again. A rule text that was already a session rule (of any behavior, e.g. the user's own deny) is
/// left alone and not removed later. Deny rules of every layer still win over these grants. A malformed rule is
/// reported through <see cref="RuleRejected"/> and skipped.
/// </summary>
/// <remarks>
/// Concurrency: the registry delivers transitions one at a time, in order, exactly once, so grants follow the active
/// skill; the granted set is also guarded by a lock so <see cref="Granted"/> and <see cref="Dispose"/> may race with
/// deliveries. A writer's own transition may be delivered by another thread that is already delivering, so a grant can
/// reach the checker a moment after <see cref="SkillRegistry.Activate"/> returns; in one agent turn activations are
/// sequential and the grant is in place before the tool result returns. Disposing unsubscribes and removes the
/// current grants.
/// </remarks>
public sealed class SkillPermissionGrants : IDisposable
{
    private readonly object _gate = new();
    private readonly SkillRegistry _registry;
    private readonly PermissionChecker _checker;
    private ImmutableArray<string> _granted = []; // guarded by _gate
    private bool _disposed;

    public SkillPermissionGrants(SkillRegistry registry, PermissionChecker checker)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _checker = checker ?? throw new ArgumentNullException(nameof(checker));
        _registry.Changed += OnChanged;
    }

    /// <summary>Raised when a skill's <c>allowed-tools</c> entry is not a valid permission rule.</summary>
    public event EventHandler<PermissionRuleException>? RuleRejected;

    /// <summary>The rule texts currently granted by the active skill.</summary>
    public ImmutableArray<string> Granted
    {
        get
        {
            lock (_gate)
            {
                return _granted;
            }
        }
    }

    public void Dispose()
    {
        _registry.Changed -= OnChanged;
        lock (_gate)
        {
            _disposed = true;
            Revoke();
        }
    }

    private void OnChanged(object? sender, SkillTransition transition)
    {
        var rejected = new List<PermissionRuleException>();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            Revoke();
            if (transition.Kind == SkillTransitionKind.Activated)
            {
                var skill = transition.Activation.Skill;
                var granted = ImmutableArray.CreateBuilder<string>();
                var index = 0;
                foreach (var text in skill.Tools)
                {
                    var source = new RuleSource(PermissionLayer.Session, skill.Definition.SourcePath, $"allowed-tools[{index++}]");
                    if (!PermissionRule.TryParse(text, PermissionBehavior.Allow, source, out var rule, out var error))
                    {
                        rejected.Add(error);
                        continue;
                    }
                    if (_checker.SessionRules.Any(r => r.Text == rule.Text))
                    {
                        continue;
                    }
                    if (_checker.AddSessionRule(rule))
                    {
                        granted.Add(rule.Text);
                    }
                }
                _granted = granted.ToImmutable();
            }
        }
        foreach (var error in rejected)
        {
            RuleRejected?.Invoke(this, error);
        }
    }

    private void Revoke()
    {
        foreach (var text in _granted)
        {
            _checker.RemoveSessionRule(text);
        }
        _granted = [];
    }
}
