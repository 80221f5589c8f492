using CodeForge.Core.Skills;
using CsCheck;

namespace CodeForge.Core.Tests.Skills;

/// <summary>
/// Model-based test: random operation sequences run against the registry and against a small sequential model; every
/// return value, the whole state (names, aliases, active skill) and the transition log must agree after every step.
/// CsCheck shrinks a failure to the shortest sequence and prints its seed.
/// </summary>
public sealed class SkillRegistryModelTests
{
    public enum OpKind { Register, Unregister, Activate, Deactivate, Clear }

    public sealed record RegistryOp(OpKind Kind, string Name, int Config)
    {
        public override string ToString() => Kind switch
        {
            OpKind.Activate => $"Activate({Name}, {ConfigText(Config)})",
            OpKind.Deactivate or OpKind.Clear => $"{Kind}()",
            _ => $"{Kind}({Name})",
        };
    }

    // The catalog: alias collisions ("x" wanted by a and b; c wants the name "a" as alias) and one skill with a
    // required choice option.
    private static readonly Dictionary<string, string[]> AliasesOf = new()
    {
        ["a"] = ["x"],
        ["b"] = ["x", "y"],
        ["c"] = ["a", "z"],
        ["d"] = [],
    };

    private static readonly string[] SkillNames = ["a", "b", "c", "d"];
    private static readonly string[] LookupNames = ["a", "b", "c", "d", "x", "y", "z", "nope"];

    private static string ConfigText(int config) => config switch { 0 => "{}", 1 => "{mode=fast}", _ => "{mode=bogus}" };

    private static Dictionary<string, object?>? ConfigValues(int config) => config switch
    {
        0 => null,
        1 => new() { ["mode"] = "fast" },
        _ => new() { ["mode"] = "bogus" },
    };

    private static Skill MakeSkill(string name) => new(new SkillDefinition(
        new SkillMetadata(name, $"skill {name}", aliases: AliasesOf[name]),
        "p",
        config: name == "d" ? [new SkillConfig("mode", SkillConfigType.Choice, choices: ["fast", "slow"], required: true)] : []));

    private static readonly Gen<RegistryOp> GenOp =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, LookupNames.Length - 1], Gen.Int[0, 2]).Select((kind, name, config) =>
            (OpKind)kind switch
            {
                OpKind.Activate => new RegistryOp(OpKind.Activate, LookupNames[name], config),
                OpKind.Register or OpKind.Unregister => new RegistryOp((OpKind)kind, SkillNames[name % SkillNames.Length], 0),
                var k => new RegistryOp(k, "", 0),
            });

    /// <summary>The sequential specification, written independently of the registry.</summary>
    private sealed class Model
    {
        private readonly SortedSet<string> _names = new(StringComparer.Ordinal);
        public SortedDictionary<string, string> Aliases { get; } = new(StringComparer.Ordinal);
        public string? Active { get; private set; }
        public List<string> Log { get; } = [];
        public IEnumerable<string> Names => _names;

        private void Transition(string kind, string name) => Log.Add($"#{Log.Count + 1} {kind}({name})");

        public string Apply(RegistryOp op)
        {
            switch (op.Kind)
            {
                case OpKind.Register:
                    if (!_names.Add(op.Name))
                    {
                        return "dup";
                    }
                    foreach (var alias in AliasesOf[op.Name].Where(a => !Aliases.ContainsKey(a) && !_names.Contains(a)))
                    {
                        Aliases[alias] = op.Name;
                    }
                    return "ok";
                case OpKind.Unregister:
                    if (!_names.Remove(op.Name))
                    {
                        return "false";
                    }
                    if (Active == op.Name)
                    {
                        Transition("Deactivated", op.Name);
                        Active = null;
                    }
                    foreach (var alias in Aliases.Where(p => p.Value == op.Name).Select(p => p.Key).ToList())
                    {
                        Aliases.Remove(alias);
                    }
                    return "true";
                case OpKind.Activate:
                    var name = _names.Contains(op.Name) ? op.Name : Aliases.GetValueOrDefault(op.Name);
                    if (name is null)
                    {
                        return $"Skill not found: {op.Name}";
                    }
                    var error = (name, op.Config) switch
                    {
                        ("d", 0) => "Required option 'mode' not provided",
                        ("d", 1) => null,
                        ("d", _) => "'mode' must be one of: fast, slow (got 'bogus')",
                        (_, 0) => null,
                        _ => $"Unknown option 'mode' for skill '{name}'",
                    };
                    if (error is not null)
                    {
                        return error;
                    }
                    if (Active is not null)
                    {
                        Transition("Deactivated", Active);
                    }
                    Active = name;
                    Transition("Activated", name);
                    return $"ok:{name}";
                case OpKind.Deactivate:
                    var previous = Active;
                    if (previous is null)
                    {
                        return "none";
                    }
                    Transition("Deactivated", previous);
                    Active = null;
                    return previous;
                default:
                    if (Active is not null)
                    {
                        Transition("Deactivated", Active);
                        Active = null;
                    }
                    _names.Clear();
                    Aliases.Clear();
                    return "cleared";
            }
        }
    }

    private static string Apply(SkillRegistry registry, RegistryOp op)
    {
        switch (op.Kind)
        {
            case OpKind.Register:
                try
                {
                    registry.Register(MakeSkill(op.Name));
                    return "ok";
                }
                catch (ArgumentException ex) when (ex.Message.StartsWith($"Skill already registered: {op.Name}", StringComparison.Ordinal))
                {
                    return "dup";
                }
            case OpKind.Unregister:
                return registry.Unregister(op.Name) ? "true" : "false";
            case OpKind.Activate:
                var result = registry.Activate(op.Name, ConfigValues(op.Config));
                return result.Succeeded ? $"ok:{result.Skill!.Name}" : string.Join("; ", result.Errors);
            case OpKind.Deactivate:
                return registry.Deactivate()?.Name ?? "none";
            default:
                registry.Clear();
                return "cleared";
        }
    }

    private static void RunAgainstModel(RegistryOp[] ops)
    {
        var registry = new SkillRegistry();
        var log = new List<string>();
        registry.Changed += (_, t) => log.Add(t.ToString());
        var model = new Model();
        for (var i = 0; i < ops.Length; i++)
        {
            var expected = model.Apply(ops[i]);
            var actual = Apply(registry, ops[i]);
            var where = $"step {i} {ops[i]}";
            Assert.True(expected == actual, $"{where}: model returned '{expected}', registry returned '{actual}'");
            var snapshot = registry.Snapshot;
            Assert.Equal(model.Names, snapshot.ListSkills().Select(s => s.Name));
            Assert.Equal(model.Aliases, snapshot.Aliases.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
            Assert.Equal(model.Active, snapshot.Active?.Name);
            Assert.Equal(model.Log, log);
            if (snapshot.Active is { } active)
            {
                Assert.Same(active.Skill, snapshot.Get(active.Name));
            }
        }
    }

    [Fact]
    public void RandomOperationSequences_AgreeWithTheSequentialModel() =>
        GenOp.Array[1, 40].Sample(RunAgainstModel, iter: 500, print: ops => string.Join(", ", ops));
}
