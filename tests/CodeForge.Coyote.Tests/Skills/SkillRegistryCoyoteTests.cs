using CodeForge.Core.Skills;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Runtime;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Skills;

/// <summary>
/// Systematic exploration of concurrent activate/deactivate (and unregister, and callbacks that call back into the
/// registry) with a reader task asserting the single-active invariant at every step it takes, and every callback
/// asserting it sees well-nested, gap-free transitions.
/// </summary>
public sealed class SkillRegistryCoyoteTests
{
    private static readonly string[] Names = ["a", "b", "c"];

    /// <summary>What a scenario drives: the real registry or a deliberately racy one.</summary>
    private interface IActivationTarget
    {
        Task ActivateAsync(string name);

        Task DeactivateAsync();

        /// <summary>How many skills one observation of the target finds active.</summary>
        int CountActive();

        string? ActiveName { get; }
    }

    /// <summary>Checks the transitions as they are delivered: consecutive numbers, well nested.</summary>
    private sealed class TransitionChecker
    {
        private long _last;

        public string? Current { get; private set; }

        public int Delivered { get; private set; }

        public void On(SkillTransitionKind kind, string name, long sequence)
        {
            // A callback takes time: let Coyote run other tasks here, so deliveries that overlap or overtake show up.
            SchedulingPoint.Interleave();
            Specification.Assert(sequence == _last + 1, $"transition #{sequence} delivered after #{_last}");
            _last = sequence;
            Delivered++;
            if (kind == SkillTransitionKind.Activated)
            {
                Specification.Assert(Current is null, $"two skills active: {name} activated while {Current} is active");
                Current = name;
            }
            else
            {
                Specification.Assert(Current == name, $"deactivated {name} while the active one is {Current ?? "none"}");
                Current = null;
            }
        }
    }

    private sealed class RealTarget : IActivationTarget
    {
        public RealTarget(TransitionChecker checker, Action<SkillRegistry, SkillTransition>? reenter = null)
        {
            Registry = new SkillRegistry();
            foreach (var name in Names)
            {
                Registry.Register(new Skill(new SkillDefinition(new SkillMetadata(name, "d"), "p")));
            }
            Registry.Changed += (_, t) =>
            {
                checker.On(t.Kind, t.Activation.Name, t.Sequence);
                reenter?.Invoke(Registry, t);
            };
            Registry.CallbackFailed += (_, f) => Specification.Assert(false, $"callback failed on {f.Transition}: {f.Exception}");
        }

        public SkillRegistry Registry { get; }

        public Task ActivateAsync(string name)
        {
            var result = Registry.Activate(name);
            Specification.Assert(result.Succeeded || result.Errors[0].StartsWith("Skill not found", StringComparison.Ordinal),
                $"activate {name}: {string.Join("; ", result.Errors)}");
            return Task.CompletedTask;
        }

        public Task DeactivateAsync()
        {
            Registry.Deactivate();
            return Task.CompletedTask;
        }

        public int CountActive()
        {
            var snapshot = Registry.Snapshot;
            return snapshot.ListSkills().Count(s => snapshot.IsActive(s.Name));
        }

        public string? ActiveName => Registry.ActiveSkill?.Name;
    }

    /// <summary>
    /// The original's design: activation flags live on the skill objects and the registry checks the active skill,
    /// then acts, with an await in between (where the original's callbacks or I/O would run).
    /// </summary>
    private sealed class RacyTarget(TransitionChecker checker) : IActivationTarget
    {
        private sealed class RacySkill(string name)
        {
            public string Name { get; } = name;

            public bool IsActive { get; set; }
        }

        private readonly Dictionary<string, RacySkill> _skills = Names.ToDictionary(n => n, n => new RacySkill(n));
        private RacySkill? _active;
        private long _sequence;

        public async Task ActivateAsync(string name)
        {
            var skill = _skills[name];
            var current = _active;          // check
            await Task.Yield();
            if (current is not null)        // act on what was checked
            {
                current.IsActive = false;
                _active = null;
                checker.On(SkillTransitionKind.Deactivated, current.Name, ++_sequence);
            }
            skill.IsActive = true;
            _active = skill;
            checker.On(SkillTransitionKind.Activated, name, ++_sequence);
        }

        public async Task DeactivateAsync()
        {
            var current = _active;
            if (current is null)
            {
                return;
            }
            await Task.Yield();
            current.IsActive = false;
            _active = null;
            checker.On(SkillTransitionKind.Deactivated, current.Name, ++_sequence);
        }

        public int CountActive() => _skills.Values.Count(s => s.IsActive);

        public string? ActiveName => _active?.Name;
    }

    /// <summary>Three activators and a deactivator race while a reader asserts the invariant at each of its steps.</summary>
    private static async Task ActivationScenario(Func<TransitionChecker, IActivationTarget> create)
    {
        var checker = new TransitionChecker();
        var target = create(checker);
        var reader = Task.Run(async () =>
        {
            for (var i = 0; i < 8; i++)
            {
                var active = target.CountActive();
                Specification.Assert(active <= 1, $"two skills active: a reader saw {active} active skills");
                await Task.Yield();
            }
        });
        var workers = new[]
        {
            Task.Run(() => target.ActivateAsync("a")),
            Task.Run(() => target.ActivateAsync("b")),
            Task.Run(() => target.ActivateAsync("c")),
            Task.Run(() => target.DeactivateAsync()),
            reader,
        };
        await Task.WhenAll(workers);

        Specification.Assert(target.CountActive() <= 1, "two skills active at rest");
        Specification.Assert(checker.Current == target.ActiveName,
            $"callbacks end with {checker.Current ?? "none"} active but the registry has {target.ActiveName ?? "none"}");
    }

    [Fact]
    public void ConcurrentActivation_OnTheRegistry_NeverShowsTwoActiveSkillsAndNotifiesInOrder() =>
        CoyoteRunner.AssertNoBug(() => ActivationScenario(checker => new RealTarget(checker)), CoyoteStrategy.Random);

    [Fact]
    public void ConcurrentActivation_OnACheckThenActRegistry_IsCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => ActivationScenario(checker => new RacyTarget(checker)), CoyoteStrategy.Random);

        Assert.Contains("two skills active", bug, StringComparison.Ordinal);
    }

    [Fact]
    public void CallbacksThatCallBack_WithConcurrentUnregister_NeitherDeadlockNorReorder() =>
        CoyoteRunner.AssertNoBug(async () =>
        {
            var checker = new TransitionChecker();
            // Activating "a" makes a callback activate "b" over it; deactivating "b" makes one re-activate "c".
            var target = new RealTarget(checker, (registry, t) =>
            {
                switch (t)
                {
                    case { Kind: SkillTransitionKind.Activated, Activation.Name: "a" }:
                        registry.Activate("b");
                        break;
                    case { Kind: SkillTransitionKind.Deactivated, Activation.Name: "b", Sequence: < 6 }:
                        registry.Activate("c");
                        break;
                }
            });
            var registry = target.Registry;
            await Task.WhenAll(new[]
            {
                Task.Run(() => target.ActivateAsync("a")),
                Task.Run(() => target.ActivateAsync("b")),
                Task.Run(() => { registry.Unregister("c"); }),
                Task.Run(() => target.DeactivateAsync()),
            });

            Specification.Assert(checker.Current == target.ActiveName,
                $"callbacks end with {checker.Current ?? "none"} active but the registry has {target.ActiveName ?? "none"}");
            Specification.Assert(registry.Snapshot.Active is null || registry.Snapshot.Get(registry.Snapshot.Active.Name) is not null,
                "the active skill is not registered");
        }, CoyoteStrategy.Random);
}
