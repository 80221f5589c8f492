using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Linearizability;
using CodeForge.Core.Skills;

namespace CodeForge.Concurrency.Tests.Skills;

/// <summary>
/// Histories of Register/Unregister/Activate/Deactivate/Active from barrier-started threads, checked against a
/// whole-state sequential model: state = (registered set, active skill).
/// </summary>
[Collection(NonParallel.Name)]
public sealed class SkillRegistryLinearizabilityTests
{
    public enum Kind { Register, Unregister, Activate, Deactivate, Active }

    public sealed record SkillOp(Kind Kind, int Skill)
    {
        public override string ToString() => Kind is Kind.Deactivate or Kind.Active ? $"{Kind}()" : $"{Kind}({Names[Skill]})";
    }

    private static readonly string[] Names = ["a", "b", "c"];
    private const int AllRegistered = 0b111;

    /// <summary>State: bit i set = skill i registered; Active = index of the active skill or -1.</summary>
    public readonly record struct State(int Registered, int Active);

    private sealed class Model : SequentialModel<State, SkillOp, string>
    {
        public override State Init() => new(AllRegistered, -1);

        public override IEnumerable<State> Step(State s, SkillOp op, string output)
        {
            var bit = 1 << op.Skill;
            var registered = (s.Registered & bit) != 0;
            return op.Kind switch
            {
                Kind.Register => registered
                    ? LegalIf(output == "dup", s)
                    : LegalIf(output == "ok", s with { Registered = s.Registered | bit }),
                Kind.Unregister => registered
                    ? LegalIf(output == "true", new State(s.Registered & ~bit, s.Active == op.Skill ? -1 : s.Active))
                    : LegalIf(output == "false", s),
                Kind.Activate => registered
                    ? LegalIf(output == "ok", s with { Active = op.Skill })
                    : LegalIf(output == "not found", s),
                Kind.Deactivate => LegalIf(output == NameOf(s.Active), s with { Active = -1 }),
                _ => LegalIf(output == NameOf(s.Active), s),
            };
        }

        public override string Describe(State state) =>
            $"registered={{{string.Join(",", Enumerable.Range(0, Names.Length).Where(i => (state.Registered & (1 << i)) != 0).Select(i => Names[i]))}}}, active={NameOf(state.Active)}";
    }

    private static string NameOf(int index) => index < 0 ? "none" : Names[index];

    private static SkillOp Generate(int client, Random random)
    {
        var skill = random.Next(Names.Length);
        return random.Next(20) switch
        {
            < 3 => new SkillOp(Kind.Register, skill),
            < 6 => new SkillOp(Kind.Unregister, skill),
            < 12 => new SkillOp(Kind.Activate, skill),
            < 15 => new SkillOp(Kind.Deactivate, 0),
            _ => new SkillOp(Kind.Active, 0),
        };
    }

    private static Skill Make(string name) => new(new SkillDefinition(new SkillMetadata(name, "d"), "p"));

    private static Func<SkillOp, string> RealRegistry()
    {
        var registry = new SkillRegistry();
        foreach (var name in Names)
        {
            registry.Register(Make(name));
        }
        return op =>
        {
            var name = Names[op.Skill];
            switch (op.Kind)
            {
                case Kind.Register:
                    try
                    {
                        registry.Register(Make(name));
                        return "ok";
                    }
                    catch (ArgumentException)
                    {
                        return "dup";
                    }
                case Kind.Unregister:
                    return registry.Unregister(name) ? "true" : "false";
                case Kind.Activate:
                    var result = registry.Activate(name);
                    return result.Succeeded ? "ok" : result.Errors[0] == $"Skill not found: {name}" ? "not found" : "error";
                case Kind.Deactivate:
                    return registry.Deactivate()?.Name ?? "none";
                default:
                    return registry.ActiveSkill?.Name ?? "none";
            }
        };
    }

    /// <summary>
    /// The original's design, made "thread-safe" per operation but not per compound: each step uses a concurrent
    /// collection, yet activate/deactivate read the active skill, then act on what they read.
    /// </summary>
    private sealed class CheckThenActSkillRegistry
    {
        private readonly ConcurrentDictionary<string, bool> _skills = new();
        private volatile string? _active;

        public CheckThenActSkillRegistry()
        {
            foreach (var name in Names)
            {
                _skills[name] = true;
            }
        }

        public string Register(string name) => _skills.TryAdd(name, true) ? "ok" : "dup";

        public string Unregister(string name)
        {
            if (!_skills.ContainsKey(name))
            {
                return "false";
            }
            if (_active == name)
            {
                Deactivate();
            }
            return _skills.TryRemove(name, out _) ? "true" : "false";
        }

        public string Activate(string name)
        {
            if (!_skills.ContainsKey(name))
            {
                return "not found";
            }
            if (_active is not null)
            {
                Deactivate();
            }
            // The race window: a sleep, not a spin, so the thread is switched out here even on a loaded machine where
            // a spin finishes inside one time slice and the hunt records only serial histories (seen once at load 70).
            Thread.Sleep(1);
            _active = name;
            return "ok";
        }

        public string Deactivate()
        {
            var previous = _active;
            if (previous is null)
            {
                return "none";
            }
            // The race window: a sleep, not a spin, so the thread is switched out here even on a loaded machine where
            // a spin finishes inside one time slice and the hunt records only serial histories (seen once at load 70).
            Thread.Sleep(1);
            _active = null;
            return previous;
        }

        public string Active() => _active ?? "none";
    }

    private static Func<SkillOp, string> BrokenRegistry()
    {
        var registry = new CheckThenActSkillRegistry();
        return op => op.Kind switch
        {
            Kind.Register => registry.Register(Names[op.Skill]),
            Kind.Unregister => registry.Unregister(Names[op.Skill]),
            Kind.Activate => registry.Activate(Names[op.Skill]),
            Kind.Deactivate => registry.Deactivate(),
            _ => registry.Active(),
        };
    }

    [Fact]
    public void SkillRegistry_IsLinearizable()
    {
        var summary = LinearizabilityRun.AssertLinearizable(
            new Model(), RealRegistry, Generate, TimeSpan.FromSeconds(1), threads: 6, opsPerThread: 40);

        TestContext.Current.SendDiagnosticMessage($"SkillRegistry: {summary}");
    }

    [Fact]
    public void Checker_CatchesACheckThenActRegistry()
    {
        var summary = LinearizabilityRun.AssertFindsViolation(
            new Model(), BrokenRegistry, Generate, TimeSpan.FromSeconds(10), threads: 6, opsPerThread: 40);

        TestContext.Current.SendDiagnosticMessage($"CheckThenActSkillRegistry: {summary}");
    }
}
