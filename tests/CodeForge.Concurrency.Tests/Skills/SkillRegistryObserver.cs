using System.Collections.Concurrent;
using CodeForge.Core.Skills;

namespace CodeForge.Concurrency.Tests.Skills;

/// <summary>
/// Watches a registry under concurrency: records every delivered transition and checks, at each delivery, that
/// deliveries never overlap, sequence numbers go 1, 2, 3, … and transitions are well nested (activated(a),
/// deactivated(a), activated(b), …). <see cref="CheckSnapshot"/> checks the invariants of one observed snapshot.
/// </summary>
internal sealed class SkillRegistryObserver
{
    private readonly ConcurrentQueue<SkillTransition> _delivered = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private int _inside;
    private long _lastSequence;         // only touched inside a delivery (deliveries are serialized; checked by _inside)
    private SkillActivation? _current;  // ditto

    public SkillRegistryObserver(SkillRegistry registry)
    {
        registry.Changed += OnChanged;
    }

    public IReadOnlyList<SkillTransition> Delivered => [.. _delivered];

    /// <summary>An action run inside every delivery (after the checks), e.g. to call back into the registry.</summary>
    public Action<SkillTransition>? OnDelivery { get; init; }

    private void OnChanged(object? sender, SkillTransition t)
    {
        if (Interlocked.Increment(ref _inside) != 1)
        {
            _violations.Enqueue($"{t} delivered while another delivery was running");
        }
        try
        {
            if (t.Sequence != _lastSequence + 1)
            {
                _violations.Enqueue($"{t} delivered after #{_lastSequence}");
            }
            _lastSequence = t.Sequence;
            if (t.Kind == SkillTransitionKind.Activated)
            {
                if (_current is not null)
                {
                    _violations.Enqueue($"{t} while #{_current.Sequence} ({_current.Name}) was still active");
                }
                if (t.Activation.Sequence != t.Sequence)
                {
                    _violations.Enqueue($"{t} carries activation #{t.Activation.Sequence}");
                }
                _current = t.Activation;
            }
            else
            {
                if (!ReferenceEquals(_current, t.Activation))
                {
                    _violations.Enqueue($"{t} but the active one was {_current?.Name ?? "none"}");
                }
                _current = null;
            }
            _delivered.Enqueue(t);
            OnDelivery?.Invoke(t);
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    /// <summary>
    /// At rest: no violation was seen, the delivered transitions alternate Activated/Deactivated from #1 with no gap,
    /// there are <paramref name="expectedActivations"/> activations, and the last one agrees with the registry.
    /// </summary>
    public void AssertWellNestedAtRest(SkillRegistry registry, int? expectedActivations = null)
    {
        Assert.Empty(_violations);
        var delivered = Delivered;
        Assert.Equal(Enumerable.Range(1, delivered.Count).Select(i => (long)i), delivered.Select(t => t.Sequence));
        for (var i = 0; i < delivered.Count; i++)
        {
            Assert.Equal(i % 2 == 0 ? SkillTransitionKind.Activated : SkillTransitionKind.Deactivated, delivered[i].Kind);
        }
        var activations = delivered.Count(t => t.Kind == SkillTransitionKind.Activated);
        if (expectedActivations is { } expected)
        {
            Assert.Equal(expected, activations);
        }
        var active = registry.Active;
        Assert.Equal(activations - (active is null ? 0 : 1), delivered.Count - activations);
        Assert.Same(_current, active);
    }

    /// <summary>Invariants every observed snapshot must satisfy; returns the problems found (none expected).</summary>
    public static IEnumerable<string> CheckSnapshot(SkillRegistrySnapshot snapshot)
    {
        var skills = snapshot.ListSkills();
        var activeCount = skills.Count(s => snapshot.IsActive(s.Name));
        if (activeCount > 1)
        {
            yield return $"{activeCount} active skills in {snapshot}";
        }
        if (snapshot.Active is { } active)
        {
            if (!ReferenceEquals(snapshot.Get(active.Name), active.Skill))
            {
                yield return $"active skill {active.Name} is not registered in {snapshot}";
            }
            if (activeCount != 1)
            {
                yield return $"active skill {active.Name} not found among the listed skills of {snapshot}";
            }
        }
        if (snapshot.GetStats().Active != snapshot.Active?.Name)
        {
            yield return $"stats disagree with {snapshot}";
        }
        foreach (var (alias, target) in snapshot.Aliases)
        {
            if (snapshot.Get(target) is null || !snapshot.Exists(alias))
            {
                yield return $"alias {alias} -> {target} dangles in {snapshot}";
            }
        }
        var names = skills.Select(s => s.Name).ToList();
        if (!names.SequenceEqual(names.Order(StringComparer.Ordinal)) || names.Count != snapshot.Count)
        {
            yield return $"listing not sorted or miscounted in {snapshot}";
        }
    }
}
