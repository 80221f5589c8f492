using CodeForge.Core.Tools;
using CsCheck;

namespace CodeForge.Core.Tests.Tools;

[Collection(SharedToolRegistryCollection.Name)]
public sealed class ToolRegistryTests
{
    private readonly ToolRegistry _registry = new();

    [Fact]
    public void Register_ThenGet_ReturnsTheSameInstance()
    {
        var tool = new FakeTool("Read");

        _registry.Register(tool);

        Assert.Same(tool, _registry.Get("Read"));
        Assert.True(_registry.Exists("Read"));
        Assert.True(_registry.TryGet("Read", out var found));
        Assert.Same(tool, found);
        Assert.Same(tool, _registry.GetRequired("Read"));
    }

    [Fact]
    public void Register_WhenNameIsTaken_ThrowsNamingTheToolAndKeepsTheFirst()
    {
        var first = new FakeTool("Read");
        _registry.Register(first);

        var ex = Assert.Throws<ToolAlreadyRegisteredException>(() => _registry.Register(new FakeTool("Read")));

        Assert.Equal("Read", ex.ToolName);
        Assert.Contains("'Read'", ex.Message, StringComparison.Ordinal);
        Assert.Same(first, _registry.Get("Read"));
        Assert.Equal(1, _registry.Count);
    }

    [Fact]
    public void TryRegister_WhenNameIsTaken_ReturnsFalseAndKeepsTheFirst()
    {
        var first = new FakeTool("Read");

        Assert.True(_registry.TryRegister(first));
        Assert.False(_registry.TryRegister(new FakeTool("Read")));
        Assert.Same(first, _registry.Get("Read"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("dotted.name")]
    [InlineData("ünïcode")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345")]
    public void Register_WithAnInvalidName_ThrowsArgumentExceptionNamingIt(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => _registry.Register(new FakeTool(name)));

        Assert.Contains($"'{name}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _registry.Count);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("mcp__server__tool")]
    [InlineData("web-fetch_2")]
    [InlineData("x1234567890123456789012345678901234567890123456789012345678901a")]
    public void Register_WithAValidName_Succeeds(string name)
    {
        _registry.Register(new FakeTool(name));

        Assert.True(_registry.Exists(name));
    }

    [Fact]
    public void Register_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => _registry.Register(null!));
    }

    [Fact]
    public void Get_IsCaseSensitive()
    {
        _registry.Register(new FakeTool("Read"));

        Assert.Null(_registry.Get("read"));
        Assert.False(_registry.Exists("READ"));
    }

    [Fact]
    public void Get_WhenMissing_ReturnsNullAndGetRequiredThrowsNamingTheTool()
    {
        Assert.Null(_registry.Get("Nope"));
        Assert.False(_registry.TryGet("Nope", out _));
        var ex = Assert.Throws<KeyNotFoundException>(() => _registry.GetRequired("Nope"));
        Assert.Contains("'Nope'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_WithNullName_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => _registry.Get(null!));
        Assert.Throws<ArgumentNullException>(() => _registry.Deregister(null!));
    }

    [Fact]
    public void Lookups_WithNullName_NameTheArgumentWhetherOrNotToolsAreRegistered()
    {
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => _registry.Get(null!)).ParamName);
        _registry.Register(new FakeTool("Read"));

        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => _registry.Get(null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => _registry.TryGet(null!, out _)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => _registry.Exists(null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => _registry.Deregister(null!)).ParamName);
    }

    [Fact]
    public void Deregister_ReturnsWhetherATool_WasRemoved()
    {
        _registry.Register(new FakeTool("Read"));

        Assert.True(_registry.Deregister("Read"));
        Assert.False(_registry.Deregister("Read"));
        Assert.False(_registry.Exists("Read"));
        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public void Deregister_WhenPresent_RemovesItAndReturnsTrue()
    {
        _registry.Register(new FakeTool("Read"));

        Assert.True(_registry.Deregister("Read"));

        Assert.Null(_registry.Get("Read"));
        Assert.Equal(0, _registry.Count);
        Assert.False(_registry.Deregister("Read"));
    }

    [Fact]
    public void Deregister_ThenRegisterAgain_AcceptsTheName()
    {
        _registry.Register(new FakeTool("Read"));
        _registry.Deregister("Read");
        var again = new FakeTool("Read");

        _registry.Register(again);

        Assert.Same(again, _registry.Get("Read"));
    }

    [Fact]
    public void ListAll_ReturnsRegistrationOrder_AndRemovalKeepsTheRest()
    {
        var c = new FakeTool("C");
        var a = new FakeTool("A");
        var b = new FakeTool("B");
        _registry.Register(c);
        _registry.Register(a);
        _registry.Register(b);

        Assert.Equal<ITool>([c, a, b], _registry.ListAll());

        _registry.Deregister("A");

        Assert.Equal<ITool>([c, b], _registry.ListAll());
    }

    [Fact]
    public void ListAll_IsASnapshotThatLaterWritesDoNotChange()
    {
        _registry.Register(new FakeTool("A"));
        var before = _registry.ListAll();
        var namesBefore = _registry.ListNames();

        _registry.Register(new FakeTool("B"));
        _registry.Clear();

        Assert.Single(before);
        Assert.Equal(["A"], namesBefore);
    }

    [Fact]
    public void ListNames_IsSortedOrdinally()
    {
        foreach (var name in new[] { "b", "Bash", "a", "Read", "_x" })
        {
            _registry.Register(new FakeTool(name));
        }

        Assert.Equal(["Bash", "Read", "_x", "a", "b"], _registry.ListNames());
    }

    [Fact]
    public void ListByCategory_ReturnsOnlyThatCategoryInRegistrationOrder()
    {
        var write = new FakeTool("Write", ToolCategory.File);
        var bash = new FakeTool("Bash", ToolCategory.Execution);
        var read = new FakeTool("Read", ToolCategory.File);
        _registry.RegisterMany([write, bash, read]);

        Assert.Equal<ITool>([write, read], _registry.ListByCategory(ToolCategory.File));
        Assert.Equal<ITool>([bash], _registry.ListByCategory(ToolCategory.Execution));
        Assert.Empty(_registry.ListByCategory(ToolCategory.Web));
    }

    [Fact]
    public void Count_TracksRegistrationsAndRemovals()
    {
        Assert.Equal(0, _registry.Count);
        _registry.Register(new FakeTool("A"));
        _registry.Register(new FakeTool("B"));
        Assert.Equal(2, _registry.Count);
        _registry.Deregister("A");
        Assert.Equal(1, _registry.Count);
    }

    [Fact]
    public void Clear_RemovesEverything()
    {
        _registry.RegisterMany([new FakeTool("A"), new FakeTool("B")]);

        _registry.Clear();

        Assert.Equal(0, _registry.Count);
        Assert.Empty(_registry.ListAll());
        Assert.Empty(_registry.ListNames());
        Assert.False(_registry.Exists("A"));
    }

    [Fact]
    public void RegisterMany_RegistersAllInOrder()
    {
        var tools = new[] { new FakeTool("B"), new FakeTool("A") };

        _registry.RegisterMany(tools);

        Assert.Equal<ITool>(tools, _registry.ListAll());
    }

    [Fact]
    public void RegisterMany_WhenOneNameIsTaken_RegistersNone()
    {
        _registry.Register(new FakeTool("B"));

        var ex = Assert.Throws<ToolAlreadyRegisteredException>(
            () => _registry.RegisterMany([new FakeTool("A"), new FakeTool("B"), new FakeTool("C")]));

        Assert.Equal("B", ex.ToolName);
        Assert.Equal(["B"], _registry.ListNames());
    }

    [Fact]
    public void RegisterMany_WhenTheBatchRepeatsAName_RegistersNone()
    {
        var ex = Assert.Throws<ToolAlreadyRegisteredException>(
            () => _registry.RegisterMany([new FakeTool("A"), new FakeTool("B"), new FakeTool("A")]));

        Assert.Equal("A", ex.ToolName);
        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public void RegisterMany_WhenOneToolIsNullOrBadlyNamed_RegistersNone()
    {
        Assert.Throws<ArgumentNullException>(() => _registry.RegisterMany([new FakeTool("A"), null!]));
        Assert.Throws<ArgumentException>(() => _registry.RegisterMany([new FakeTool("A"), new FakeTool("bad name")]));
        Assert.Throws<ArgumentNullException>(() => _registry.RegisterMany(null!));

        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public void RegisterMany_WithAnEmptyBatch_ChangesNothing()
    {
        _registry.Register(new FakeTool("A"));

        _registry.RegisterMany([]);

        Assert.Equal(["A"], _registry.ListNames());
    }

    [Fact]
    public void Shared_ReturnsTheSameInstanceEveryTime()
    {
        Assert.Same(ToolRegistry.Shared, ToolRegistry.Shared);
    }

    [Fact]
    public void ResetShared_RetiresTheOldInstance_SoAStaleHolderFailsLoudlyInsteadOfLosingRegistrations()
    {
        var stale = ToolRegistry.Shared;
        stale.Register(new FakeTool("Before"));

        ToolRegistry.ResetShared();
        var fresh = ToolRegistry.Shared;

        Assert.NotSame(stale, fresh);
        Assert.Equal(0, fresh.Count);
        var ex = Assert.Throws<InvalidOperationException>(() => stale.Register(new FakeTool("Lost")));
        Assert.Contains("ResetShared", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => stale.TryRegister(new FakeTool("Lost")));
        Assert.Throws<InvalidOperationException>(() => stale.RegisterMany([new FakeTool("Lost")]));
        Assert.Throws<InvalidOperationException>(() => stale.Get("Before"));
        Assert.Throws<InvalidOperationException>(() => stale.Exists("Before"));
        Assert.Throws<InvalidOperationException>(() => stale.Deregister("Before"));
        Assert.Throws<InvalidOperationException>(() => stale.ListAll());
        Assert.Throws<InvalidOperationException>(() => stale.ListNames());
        Assert.Throws<InvalidOperationException>(() => stale.ListByCategory(ToolCategory.Other));
        Assert.Throws<InvalidOperationException>(() => stale.Count);
        Assert.Throws<InvalidOperationException>(() => stale.Clear());
        Assert.False(fresh.Exists("Lost"));
        ToolRegistry.ResetShared();
    }

    // ---- model-based: random operation sequences against a list-of-pairs model -----------------------------------

    /// <summary>One operation on the registry; <see cref="Name"/> indexes a small name pool so names collide often.</summary>
    public sealed record Op(int Kind, int Name)
    {
        private static readonly string[] Kinds =
            ["Register", "TryRegister", "Deregister", "Get", "Exists", "ListAll", "ListNames", "Count", "Clear", "RegisterMany", "ListByCategory"];

        public override string ToString() => Kind switch
        {
            5 or 6 or 7 or 8 => $"{Kinds[Kind]}()",
            9 => $"RegisterMany(T{Name}, T{(Name + 1) % 5})",
            10 => $"ListByCategory({CategoryOf(Name)})",
            _ => $"{Kinds[Kind]}(T{Name})",
        };
    }

    private static ToolCategory CategoryOf(int name) => (name % 3) switch
    {
        0 => ToolCategory.File,
        1 => ToolCategory.Web,
        _ => ToolCategory.Other,
    };

    [Fact]
    public void RandomOperationSequences_BehaveLikeAnOrderedDictionaryModel()
    {
        var genOp = Gen.Select(Gen.Int[0, 10], Gen.Int[0, 4], (kind, name) => new Op(kind, name));
        genOp.Array[1, 60].Sample(RunAgainstModel, iter: 1000, print: ops => string.Join(", ", ops));
    }

    private static void RunAgainstModel(Op[] ops)
    {
        var registry = new ToolRegistry();
        var model = new List<ITool>(); // registration order; names unique
        ITool? Find(string name) => model.Find(t => t.Name == name);

        foreach (var op in ops)
        {
            var name = $"T{op.Name}";
            switch (op.Kind)
            {
                case 0:
                {
                    var tool = new FakeTool(name, CategoryOf(op.Name));
                    if (Find(name) is null)
                    {
                        registry.Register(tool);
                        model.Add(tool);
                    }
                    else
                    {
                        Assert.Throws<ToolAlreadyRegisteredException>(() => registry.Register(tool));
                    }
                    break;
                }
                case 1:
                {
                    var tool = new FakeTool(name, CategoryOf(op.Name));
                    var expected = Find(name) is null;
                    Assert.Equal(expected, registry.TryRegister(tool));
                    if (expected)
                    {
                        model.Add(tool);
                    }
                    break;
                }
                case 2:
                    Assert.Equal(model.RemoveAll(t => t.Name == name) == 1, registry.Deregister(name));
                    break;
                case 3:
                    Assert.Same(Find(name), registry.Get(name));
                    break;
                case 4:
                    Assert.Equal(Find(name) is not null, registry.Exists(name));
                    break;
                case 5:
                    Assert.Equal(model, registry.ListAll());
                    break;
                case 6:
                    Assert.Equal(model.Select(t => t.Name).Order(StringComparer.Ordinal), registry.ListNames());
                    break;
                case 7:
                    Assert.Equal(model.Count, registry.Count);
                    break;
                case 8:
                    registry.Clear();
                    model.Clear();
                    break;
                case 9:
                {
                    var second = $"T{(op.Name + 1) % 5}";
                    var batch = new[] { new FakeTool(name, CategoryOf(op.Name)), new FakeTool(second, CategoryOf((op.Name + 1) % 5)) };
                    if (Find(name) is null && Find(second) is null)
                    {
                        registry.RegisterMany(batch);
                        model.AddRange(batch);
                    }
                    else
                    {
                        Assert.Throws<ToolAlreadyRegisteredException>(() => registry.RegisterMany(batch));
                    }
                    break;
                }
                default:
                {
                    var category = CategoryOf(op.Name);
                    Assert.Equal(model.Where(t => t.Category == category), registry.ListByCategory(category));
                    break;
                }
            }
            Assert.Equal(model.Count, registry.Count);
        }
    }
}
