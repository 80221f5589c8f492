using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Linearizability;
using CodeForge.Core.Tools;

namespace CodeForge.Concurrency.Tests.Tools;

/// <summary>
/// Records histories of <see cref="ToolRegistry"/> operations from barrier-started threads and checks them against a
/// sequential map model: per name (P-compositional: Register, Deregister, Get, Exists), and over the whole map (adding
/// ListAll in registration order, Count, Clear and RegisterMany, which span names). The same checks catch deliberately
/// racy registries.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class ToolRegistryLinearizabilityTests
{
    public enum Kind
    {
        Register,
        Deregister,
        Get,
        Exists,
        ListAll,
        Count,
        Clear,
        RegisterMany,
    }

    /// <summary>One operation. <see cref="Id"/> makes each registered tool distinguishable, so Get reveals which one it saw.</summary>
    public sealed record RegistryOp(Kind Kind, string Name, int Id, string Name2 = "", int Id2 = 0)
    {
        public override string ToString() => Kind switch
        {
            Kind.Register => $"Register({Name}#{Id})",
            Kind.RegisterMany => $"RegisterMany({Name}#{Id}, {Name2}#{Id2})",
            Kind.ListAll or Kind.Count or Kind.Clear => $"{Kind}()",
            _ => $"{Kind}({Name})",
        };
    }

    /// <summary>The minimal surface the checks drive, so the real registry and the broken variants are interchangeable.</summary>
    public interface IRegistry
    {
        void Register(ITool tool);

        void RegisterMany(IEnumerable<ITool> tools);

        bool Deregister(string name);

        ITool? Get(string name);

        bool Exists(string name);

        IReadOnlyList<ITool> ListAll();

        int Count { get; }

        void Clear();
    }

    private sealed class RealRegistry : IRegistry
    {
        private readonly ToolRegistry _registry = new();

        public void Register(ITool tool) => _registry.Register(tool);

        public void RegisterMany(IEnumerable<ITool> tools) => _registry.RegisterMany(tools);

        public bool Deregister(string name) => _registry.Deregister(name);

        public ITool? Get(string name) => _registry.Get(name);

        public bool Exists(string name) => _registry.Exists(name);

        public IReadOnlyList<ITool> ListAll() => _registry.ListAll();

        public int Count => _registry.Count;

        public void Clear() => _registry.Clear();
    }

    private static string Label(ITool tool) => tool.Name + "#" + ((IdTool)tool).Id;

    private sealed class IdTool(string name, int id) : ITool
    {
        private readonly MockTool _inner = new(name);

        public int Id { get; } = id;

        public string Name => _inner.Name;

        public string Description => _inner.Description;

        public ToolCategory Category => _inner.Category;

        public ToolSchema Schema => _inner.Schema;

        public Task<ToolResult> ExecuteAsync(System.Text.Json.JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
            _inner.ExecuteAsync(arguments, context, cancellationToken);
    }

    /// <summary>Runs one operation; outputs are readable strings so a failure report reads as a story.</summary>
    private static string Execute(IRegistry registry, RegistryOp op)
    {
        switch (op.Kind)
        {
            case Kind.Register:
                try
                {
                    registry.Register(new IdTool(op.Name, op.Id));
                    return "registered";
                }
                catch (ToolAlreadyRegisteredException)
                {
                    return "duplicate";
                }
            case Kind.RegisterMany:
                try
                {
                    registry.RegisterMany([new IdTool(op.Name, op.Id), new IdTool(op.Name2, op.Id2)]);
                    return "registered";
                }
                catch (ToolAlreadyRegisteredException)
                {
                    return "duplicate";
                }
            case Kind.Deregister:
                return registry.Deregister(op.Name) ? "removed" : "absent";
            case Kind.Get:
                return registry.Get(op.Name) is { } tool ? "found " + Label(tool) : "missing";
            case Kind.Exists:
                return registry.Exists(op.Name) ? "yes" : "no";
            case Kind.ListAll:
                return "[" + string.Join(",", registry.ListAll().Select(Label)) + "]";
            case Kind.Count:
                return registry.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            default:
                registry.Clear();
                return "cleared";
        }
    }

    // ---- per-name model ----------------------------------------------------------------------------------------

    /// <summary>The state of one name: the id of the tool registered under it, or -1.</summary>
    private sealed class NameModel : SequentialModel<int, RegistryOp, string>
    {
        public override int Init() => -1;

        public override IEnumerable<int> Step(int state, RegistryOp op, string output) => (op.Kind, output) switch
        {
            (Kind.Register, "registered") => state == -1 ? Legal(op.Id) : Illegal,
            (Kind.Register, "duplicate") => LegalIf(state != -1, state),
            (Kind.Deregister, "removed") => state != -1 ? Legal(-1) : Illegal,
            (Kind.Deregister, "absent") => LegalIf(state == -1, state),
            (Kind.Get, "missing") => LegalIf(state == -1, state),
            (Kind.Get, _) => LegalIf(state != -1 && output == $"found {op.Name}#{state}", state),
            (Kind.Exists, "yes") => LegalIf(state != -1, state),
            (Kind.Exists, "no") => LegalIf(state == -1, state),
            _ => Illegal,
        };
    }

    private static int s_nextId;

    private static RegistryOp GeneratePerName(int client, Random random)
    {
        var name = $"T{random.Next(4)}";
        var kind = random.Next(10) switch
        {
            < 4 => Kind.Register,
            < 6 => Kind.Deregister,
            < 8 => Kind.Get,
            _ => Kind.Exists,
        };
        return new RegistryOp(kind, name, Interlocked.Increment(ref s_nextId));
    }

    [Fact]
    public void PerName_RegisterDeregisterGetExists_AreLinearizable()
    {
        var summary = LinearizabilityRun.AssertLinearizable(
            new NameModel(),
            () => { var r = new RealRegistry(); return op => Execute(r, op); },
            GeneratePerName,
            partitionBy: op => op.Name);

        TestContext.Current.SendDiagnosticMessage($"per-name: {summary}");
    }

    [Fact]
    public void PerName_CheckThenActRegistry_IsCaught()
    {
        LinearizabilityRun.AssertFindsViolation(
            new NameModel(),
            () => { var r = new CheckThenActRegistry(); return op => Execute(r, op); },
            GeneratePerName,
            partitionBy: op => op.Name);
    }

    // ---- whole-map model ---------------------------------------------------------------------------------------

    /// <summary>
    /// The whole registry: the registered tools in registration order, as <c>"T1#3,T0#7"</c> (a string, so states compare
    /// by value).
    /// </summary>
    private sealed class MapModel : SequentialModel<string, RegistryOp, string>
    {
        public override string Init() => "";

        private static List<string> Entries(string state) => state.Length == 0 ? [] : [.. state.Split(',')];

        private static bool Has(List<string> entries, string name) => entries.Exists(e => e.StartsWith(name + "#", StringComparison.Ordinal));

        public override IEnumerable<string> Step(string state, RegistryOp op, string output)
        {
            var entries = Entries(state);
            switch (op.Kind, output)
            {
                case (Kind.Register, "registered"):
                    return Has(entries, op.Name) ? Illegal : Legal(string.Join(",", [.. entries, $"{op.Name}#{op.Id}"]));
                case (Kind.Register, "duplicate"):
                    return LegalIf(Has(entries, op.Name), state);
                case (Kind.RegisterMany, "registered"):
                    return Has(entries, op.Name) || Has(entries, op.Name2) || op.Name == op.Name2
                        ? Illegal
                        : Legal(string.Join(",", [.. entries, $"{op.Name}#{op.Id}", $"{op.Name2}#{op.Id2}"]));
                case (Kind.RegisterMany, "duplicate"):
                    return LegalIf(Has(entries, op.Name) || Has(entries, op.Name2) || op.Name == op.Name2, state);
                case (Kind.Deregister, "removed"):
                    return Has(entries, op.Name)
                        ? Legal(string.Join(",", entries.Where(e => !e.StartsWith(op.Name + "#", StringComparison.Ordinal))))
                        : Illegal;
                case (Kind.Deregister, "absent"):
                    return LegalIf(!Has(entries, op.Name), state);
                case (Kind.Get, "missing"):
                    return LegalIf(!Has(entries, op.Name), state);
                case (Kind.Get, _):
                    return LegalIf(entries.Contains(output["found ".Length..]), state);
                case (Kind.Exists, _):
                    return LegalIf(Has(entries, op.Name) == (output == "yes"), state);
                case (Kind.ListAll, _):
                    return LegalIf(output == $"[{state}]", state);
                case (Kind.Count, _):
                    return LegalIf(output == entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), state);
                case (Kind.Clear, "cleared"):
                    return Legal("");
                default:
                    return Illegal;
            }
        }
    }

    private static RegistryOp GenerateWholeMap(int client, Random random)
    {
        var name = $"T{random.Next(3)}";
        var id = Interlocked.Increment(ref s_nextId);
        return random.Next(20) switch
        {
            < 5 => new RegistryOp(Kind.Register, name, id),
            < 7 => new RegistryOp(Kind.RegisterMany, name, id, $"T{random.Next(3)}", Interlocked.Increment(ref s_nextId)),
            < 10 => new RegistryOp(Kind.Deregister, name, id),
            < 12 => new RegistryOp(Kind.Get, name, id),
            < 13 => new RegistryOp(Kind.Exists, name, id),
            < 16 => new RegistryOp(Kind.ListAll, name, id),
            < 19 => new RegistryOp(Kind.Count, name, id),
            _ => new RegistryOp(Kind.Clear, name, id),
        };
    }

    [Fact]
    public void WholeMap_WithListAllCountClearAndRegisterMany_IsLinearizable()
    {
        var summary = LinearizabilityRun.AssertLinearizable(
            new MapModel(),
            () => { var r = new RealRegistry(); return op => Execute(r, op); },
            GenerateWholeMap,
            threads: 4,
            opsPerThread: 30);

        TestContext.Current.SendDiagnosticMessage($"whole map: {summary}");
    }

    [Fact]
    public void WholeMap_RegistryThatClearsOneToolAtATime_IsCaught()
    {
        LinearizabilityRun.AssertFindsViolation(
            new MapModel(),
            () => { var r = new ClearOneByOneRegistry(); return op => Execute(r, op); },
            GenerateWholeMap,
            threads: 4,
            opsPerThread: 30);
    }

    [Fact]
    public void WholeMap_RegistryWhoseRegisterManyPublishesOneByOne_IsCaught()
    {
        LinearizabilityRun.AssertFindsViolation(
            new MapModel(),
            () => { var r = new RegisterManyOneByOneRegistry(); return op => Execute(r, op); },
            GenerateWholeMap,
            threads: 4,
            opsPerThread: 30);
    }

    // ---- deliberately broken variants ---------------------------------------------------------------------------

    /// <summary>
    /// The original's shape without its lock: check, then act, with the window widened. Two racing registrations of a
    /// name can both succeed (the second silently replaces the first).
    /// </summary>
    private sealed class CheckThenActRegistry : IRegistry
    {
        private readonly ConcurrentDictionary<string, ITool> _tools = new(StringComparer.Ordinal);

        public void Register(ITool tool)
        {
            if (_tools.ContainsKey(tool.Name))
            {
                throw new ToolAlreadyRegisteredException(tool.Name);
            }
            Thread.Sleep(1);
            _tools[tool.Name] = tool;
        }

        public void RegisterMany(IEnumerable<ITool> tools)
        {
            foreach (var tool in tools)
            {
                Register(tool);
            }
        }

        public bool Deregister(string name) => _tools.TryRemove(name, out _);

        public ITool? Get(string name) => _tools.GetValueOrDefault(name);

        public bool Exists(string name) => _tools.ContainsKey(name);

        public IReadOnlyList<ITool> ListAll() => [.. _tools.Values];

        public int Count => _tools.Count;

        public void Clear() => _tools.Clear();
    }

    /// <summary>Correct under one lock, except that <see cref="Clear"/> releases it between removals.</summary>
    private class LockedRegistry : IRegistry
    {
        protected readonly object Gate = new();
        protected readonly List<ITool> Tools = [];

        public virtual void Register(ITool tool)
        {
            lock (Gate)
            {
                if (Tools.Exists(t => t.Name == tool.Name))
                {
                    throw new ToolAlreadyRegisteredException(tool.Name);
                }
                Tools.Add(tool);
            }
        }

        public virtual void RegisterMany(IEnumerable<ITool> tools)
        {
            lock (Gate)
            {
                var batch = tools.ToList();
                if (batch.DistinctBy(t => t.Name).Count() != batch.Count || batch.Exists(b => Tools.Exists(t => t.Name == b.Name)))
                {
                    throw new ToolAlreadyRegisteredException(batch[0].Name);
                }
                Tools.AddRange(batch);
            }
        }

        public bool Deregister(string name)
        {
            lock (Gate)
            {
                return Tools.RemoveAll(t => t.Name == name) > 0;
            }
        }

        public ITool? Get(string name)
        {
            lock (Gate)
            {
                return Tools.Find(t => t.Name == name);
            }
        }

        public bool Exists(string name) => Get(name) is not null;

        public IReadOnlyList<ITool> ListAll()
        {
            lock (Gate)
            {
                return [.. Tools];
            }
        }

        public int Count
        {
            get
            {
                lock (Gate)
                {
                    return Tools.Count;
                }
            }
        }

        public virtual void Clear()
        {
            lock (Gate)
            {
                Tools.Clear();
            }
        }
    }

    private sealed class ClearOneByOneRegistry : LockedRegistry
    {
        public override void Clear()
        {
            while (true)
            {
                lock (Gate)
                {
                    if (Tools.Count == 0)
                    {
                        return;
                    }
                    Tools.RemoveAt(0);
                }
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>The original's <c>register_many</c>: a loop of single registrations, so others see half a batch.</summary>
    private sealed class RegisterManyOneByOneRegistry : LockedRegistry
    {
        public override void RegisterMany(IEnumerable<ITool> tools)
        {
            lock (Gate)
            {
                var batch = tools.ToList();
                if (batch.DistinctBy(t => t.Name).Count() != batch.Count || batch.Exists(b => Tools.Exists(t => t.Name == b.Name)))
                {
                    throw new ToolAlreadyRegisteredException(batch[0].Name);
                }
            }
            foreach (var tool in tools)
            {
                Register(tool);
                Thread.Sleep(1);
            }
        }
    }
}
