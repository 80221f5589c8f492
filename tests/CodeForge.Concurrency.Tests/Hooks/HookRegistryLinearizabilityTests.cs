using System.Collections.Immutable;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Linearizability;
using CodeForge.Core.Hooks;

namespace CodeForge.Concurrency.Tests.Hooks;

/// <summary>
/// Histories of SetSource/RemoveSource/Snapshot from barrier-started threads, checked against a sequential model whose
/// state is (version, the ordered list of sources with the generation each holds). A snapshot that holds part of a
/// source, or a mix of two generations, is reported as "torn" and is never legal.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class HookRegistryLinearizabilityTests
{
    public enum Kind { Set, Remove, Snapshot }

    public sealed record HookOp(Kind Kind, int Source, int Generation)
    {
        public override string ToString() => Kind switch
        {
            Kind.Set => $"SetSource({Names[Source]}, gen {Generation})",
            Kind.Remove => $"RemoveSource({Names[Source]})",
            _ => "Snapshot()",
        };
    }

    private static readonly string[] Names = ["settings", "plugin:a", "plugin:b"];

    /// <summary>Version, and "name:gen" per source in registry order, comma-separated.</summary>
    public readonly record struct State(long Version, string Sources);

    private sealed class Model : SequentialModel<State, HookOp, string>
    {
        public override State Init() => new(0, "");

        public override IEnumerable<State> Step(State s, HookOp op, string output)
        {
            var sources = s.Sources.Length == 0 ? [] : s.Sources.Split(',').ToList();
            var name = Names[op.Source];
            var index = sources.FindIndex(x => x.StartsWith(name + ":", StringComparison.Ordinal));
            switch (op.Kind)
            {
                case Kind.Set:
                    var entry = $"{name}:{op.Generation}";
                    if (index >= 0)
                    {
                        sources[index] = entry;
                    }
                    else
                    {
                        sources.Add(entry);
                    }
                    var next = new State(s.Version + 1, string.Join(',', sources));
                    return LegalIf(output == $"v{next.Version}", next);
                case Kind.Remove:
                    if (index < 0)
                    {
                        return LegalIf(output == "false", s);
                    }
                    sources.RemoveAt(index);
                    return LegalIf(output == "true", new State(s.Version + 1, string.Join(',', sources)));
                default:
                    return LegalIf(output == $"v{s.Version} [{s.Sources}]", s);
            }
        }
    }

    private static HookOp Generate(int client, Random random) => random.Next(10) switch
    {
        < 4 => new HookOp(Kind.Set, random.Next(Names.Length), random.Next(3)),
        < 6 => new HookOp(Kind.Remove, random.Next(Names.Length), 0),
        _ => new HookOp(Kind.Snapshot, 0, 0),
    };

    /// <summary>Generation g of a source: g + 1 definitions, each naming the source and generation.</summary>
    private static ImmutableArray<HookDefinition> Definitions(string source, int generation) =>
        [.. Enumerable.Range(0, generation + 1).Select(i => new HookDefinition(HookEvent.PreToolUse, HookMatcher.All, $"{source}:{generation}:{i}", source))];

    /// <summary>Describes a snapshot; a source whose definitions are not exactly one whole generation is "torn".</summary>
    private static string Describe(long version, IEnumerable<KeyValuePair<string, ImmutableArray<HookDefinition>>> sources)
    {
        var parts = new List<string>();
        foreach (var (name, definitions) in sources)
        {
            var generations = definitions.Select(d => d.Command.Split(':')[^2]).Distinct().ToList();
            if (generations.Count != 1 || definitions.Length != int.Parse(generations[0], System.Globalization.CultureInfo.InvariantCulture) + 1)
            {
                return "torn";
            }
            parts.Add($"{name}:{generations[0]}");
        }
        return $"v{version} [{string.Join(',', parts)}]";
    }

    private static Func<HookOp, string> RealRegistry()
    {
        var registry = new HookRegistry();
        return op => op.Kind switch
        {
            Kind.Set => $"v{registry.SetSource(Names[op.Source], Definitions(Names[op.Source], op.Generation)).Version}",
            Kind.Remove => registry.RemoveSource(Names[op.Source]) ? "true" : "false",
            _ => Snapshot(registry.Snapshot),
        };
    }

    private static string Snapshot(HookRegistrySnapshot s) => Describe(s.Version, s.Sources);

    /// <summary>
    /// A registry that swaps snapshots without the writers' lock: read the current state, build the next one, publish.
    /// Two concurrent writers both build on the same state, so one change is lost (and a version is issued twice).
    /// </summary>
    private sealed class UnlockedHookRegistry
    {
        private (long Version, ImmutableList<KeyValuePair<string, ImmutableArray<HookDefinition>>> Sources) _state = (0, []);
        private readonly object _publish = new();

        public long SetSource(string name, ImmutableArray<HookDefinition> definitions)
        {
            var current = Read();
            Thread.Sleep(1);
            var index = current.Sources.FindIndex(s => s.Key == name);
            var entry = KeyValuePair.Create(name, definitions);
            var next = (current.Version + 1, index >= 0 ? current.Sources.SetItem(index, entry) : current.Sources.Add(entry));
            Write(next);
            return next.Item1;
        }

        public bool RemoveSource(string name)
        {
            var current = Read();
            var index = current.Sources.FindIndex(s => s.Key == name);
            if (index < 0)
            {
                return false;
            }
            Thread.Sleep(1);
            Write((current.Version + 1, current.Sources.RemoveAt(index)));
            return true;
        }

        public string Snapshot()
        {
            var s = Read();
            return Describe(s.Version, s.Sources);
        }

        // The tuple is read and written whole (under a tiny lock), so the only bug is the unlocked read-modify-write.
        private (long Version, ImmutableList<KeyValuePair<string, ImmutableArray<HookDefinition>>> Sources) Read()
        {
            lock (_publish)
            {
                return _state;
            }
        }

        private void Write((long, ImmutableList<KeyValuePair<string, ImmutableArray<HookDefinition>>>) next)
        {
            lock (_publish)
            {
                _state = next;
            }
        }
    }

    private static Func<HookOp, string> BrokenRegistry()
    {
        var registry = new UnlockedHookRegistry();
        return op => op.Kind switch
        {
            Kind.Set => $"v{registry.SetSource(Names[op.Source], Definitions(Names[op.Source], op.Generation))}",
            Kind.Remove => registry.RemoveSource(Names[op.Source]) ? "true" : "false",
            _ => registry.Snapshot(),
        };
    }

    [Fact]
    public void HookRegistry_IsLinearizable()
    {
        var summary = LinearizabilityRun.AssertLinearizable(
            new Model(), RealRegistry, Generate, TimeSpan.FromSeconds(1), threads: 6, opsPerThread: 40);

        TestContext.Current.SendDiagnosticMessage($"HookRegistry: {summary}");
    }

    [Fact]
    public void Checker_CatchesARegistryThatSwapsWithoutTheWritersLock()
    {
        var summary = LinearizabilityRun.AssertFindsViolation(
            new Model(), BrokenRegistry, Generate, TimeSpan.FromSeconds(10), threads: 6, opsPerThread: 40);

        TestContext.Current.SendDiagnosticMessage($"UnlockedHookRegistry: {summary}");
    }
}
