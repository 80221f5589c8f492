using System.Collections.Immutable;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Linearizability;
using CodeForge.Core.Commands;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;

namespace CodeForge.Concurrency.Tests.Plugins;

#pragma warning disable VSTHRD002 // The stress and linearizability harnesses drive operations from dedicated threads, synchronously; no synchronization context.

/// <summary>
/// Histories of Load / Unload / Read on a <see cref="PluginManager"/> (three in-memory plugins with a reader that yields
/// and spins, so loads overlap) against a sequential model whose state is the set of loaded plugins. Load answers
/// "loaded" exactly once per load of an absent plugin and "already" otherwise; Read renders the published snapshot,
/// which must always be a set of whole plugins.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class PluginManagerLinearizabilityTests
{
    public enum Kind { Load, Unload, Read }

    public sealed record PluginOp(Kind Kind, int Plugin)
    {
        public override string ToString() => Kind == Kind.Read ? "Read()" : $"{Kind}(p{Plugin})";
    }

    private const int Count = 3;

    /// <summary>What a whole plugin i looks like when read.</summary>
    private static string Whole(int i) => $"p{i}[s:p{i}:a,p{i}:b;c:p{i}:x]";

    private static string Render(int mask) =>
        string.Join(" ", Enumerable.Range(0, Count).Where(i => (mask & (1 << i)) != 0).Select(Whole));

    private sealed class Model : SequentialModel<int, PluginOp, string>
    {
        public override int Init() => 0;

        public override IEnumerable<int> Step(int loaded, PluginOp op, string output)
        {
            var bit = 1 << op.Plugin;
            var present = (loaded & bit) != 0;
            return op.Kind switch
            {
                Kind.Load => present ? LegalIf(output == "already", loaded) : LegalIf(output == "loaded", loaded | bit),
                Kind.Unload => present ? LegalIf(output == "true", loaded & ~bit) : LegalIf(output == "false", loaded),
                _ => LegalIf(output == Render(loaded), loaded),
            };
        }

        public override string Describe(int state) => $"{{{Render(state)}}}";
    }

    private static PluginOp Generate(int client, Random random) => random.Next(10) switch
    {
        < 4 => new PluginOp(Kind.Load, random.Next(Count)),
        < 6 => new PluginOp(Kind.Unload, random.Next(Count)),
        _ => new PluginOp(Kind.Read, 0),
    };

    private static PluginDefinition Definition(string root)
    {
        var name = Path.GetFileName(root);
        return new PluginDefinition
        {
            Manifest = new PluginManifest { Name = name },
            Root = root,
            Skills = [new SkillDefinition(new SkillMetadata($"{name}:a", "d"), "p"), new SkillDefinition(new SkillMetadata($"{name}:b", "d"), "p")],
            Commands = [new CommandDefinition { Name = $"{name}:x", Description = "d", Body = "b", SourcePath = "/x.md" }],
        };
    }

    /// <summary>An in-memory reader whose reads overlap: it yields and spins before answering.</summary>
    private sealed class SlowReader : IPluginReader
    {
        public async Task<PluginReadResult> ReadAsync(string root, CancellationToken cancellationToken)
        {
            await Task.Yield();
            Thread.SpinWait(200);
            return new PluginReadResult(Definition(root), []);
        }
    }

    private static string Describe(LoadedPlugin p) =>
        $"{p.Name}[s:{string.Join(",", p.SkillNames.Order(StringComparer.Ordinal))};c:{string.Join(",", p.Definition.Commands.Select(c => c.Name))}]";

    private static Func<PluginOp, string> RealManager()
    {
        var manager = new PluginManager(new SkillRegistry(), new CommandCatalog(), new SlowReader());
        return op => op.Kind switch
        {
            Kind.Load => manager.LoadAsync($"/plugins/p{op.Plugin}").GetAwaiter().GetResult().Outcome switch
            {
                PluginLoadOutcome.Loaded => "loaded",
                PluginLoadOutcome.AlreadyLoaded => "already",
                var other => other.ToString(),
            },
            Kind.Unload => manager.Unload($"p{op.Plugin}") ? "true" : "false",
            _ => string.Join(" ", manager.Snapshot.Plugins.Values.Select(Describe)),
        };
    }

    /// <summary>
    /// The original's loader made "safe" per step: check whether the plugin is loaded, read it, then publish its entry
    /// first and its components after (two writes, no lock, no in-flight deduplication).
    /// </summary>
    private sealed class RacyManager
    {
        private volatile ImmutableSortedDictionary<string, string> _plugins = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

        public string Load(int i)
        {
            var name = $"p{i}";
            if (_plugins.ContainsKey(name))
            {
                return "already";
            }
            Thread.Sleep(1); // the read
            _plugins = _plugins.SetItem(name, $"{name}[s:;c:]");
            Thread.Sleep(1);
            _plugins = _plugins.SetItem(name, Whole(i));
            return "loaded";
        }

        public string Unload(int i)
        {
            var name = $"p{i}";
            if (!_plugins.ContainsKey(name))
            {
                return "false";
            }
            Thread.Sleep(1);
            _plugins = _plugins.Remove(name);
            return "true";
        }

        public string Read() => string.Join(" ", _plugins.Values);
    }

    private static Func<PluginOp, string> BrokenManager()
    {
        var manager = new RacyManager();
        return op => op.Kind switch
        {
            Kind.Load => manager.Load(op.Plugin),
            Kind.Unload => manager.Unload(op.Plugin),
            _ => manager.Read(),
        };
    }

    [Fact]
    public void PluginManager_LoadUnloadRead_IsLinearizable()
    {
        var summary = LinearizabilityRun.AssertLinearizable(new Model(), RealManager, Generate, TimeSpan.FromSeconds(1), threads: 6, opsPerThread: 30);

        TestContext.Current.SendDiagnosticMessage($"PluginManager: {summary}");
    }

    [Fact]
    public void Checker_CatchesACheckThenActTwoStepPublish()
    {
        var summary = LinearizabilityRun.AssertFindsViolation(new Model(), BrokenManager, Generate, TimeSpan.FromSeconds(10), threads: 6, opsPerThread: 30);

        TestContext.Current.SendDiagnosticMessage($"RacyPluginManager: {summary}");
    }
}
