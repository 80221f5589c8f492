using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

public sealed class HookRegistryTests
{
    private static HookDefinition Hook(HookEvent e, string command) => new(e, HookMatcher.Parse(null), command, "test");

    [Fact]
    public void Snapshot_OfANewRegistry_IsEmptyAtVersionZero()
    {
        var registry = new HookRegistry();

        Assert.Same(HookRegistrySnapshot.Empty, registry.Snapshot);
        Assert.Equal(0, registry.Snapshot.Version);
        Assert.Equal(0, registry.Snapshot.Count);
        Assert.Empty(registry.Snapshot.For(HookEvent.Stop));
    }

    [Fact]
    public void SetSource_PublishesANewSnapshotOneVersionHigherAndLeavesTheOldOneAsItWas()
    {
        var registry = new HookRegistry();
        var first = registry.SetSource("a", [Hook(HookEvent.Stop, "one")]);

        var second = registry.SetSource("b", [Hook(HookEvent.Stop, "two"), Hook(HookEvent.PreToolUse, "three")]);

        Assert.Same(second, registry.Snapshot);
        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal(["one"], first.For(HookEvent.Stop).Select(d => d.Command));
        Assert.Equal(["one", "two"], second.For(HookEvent.Stop).Select(d => d.Command));
        Assert.Equal(["three"], second.For(HookEvent.PreToolUse).Select(d => d.Command));
        Assert.Equal(3, second.Count);
    }

    [Fact]
    public void SetSource_WhenTheNameIsThere_ReplacesItInItsPlace()
    {
        var registry = new HookRegistry();
        registry.SetSource("a", [Hook(HookEvent.Stop, "a1")]);
        registry.SetSource("b", [Hook(HookEvent.Stop, "b1")]);

        var snapshot = registry.SetSource("a", [Hook(HookEvent.Stop, "a2")]);

        Assert.Equal(["a", "b"], snapshot.Sources.Select(s => s.Key));
        Assert.Equal(["a2", "b1"], snapshot.For(HookEvent.Stop).Select(d => d.Command));
        Assert.Equal(["a2"], snapshot.Source("a").Select(d => d.Command));
        Assert.Equal(3, snapshot.Version);
    }

    [Fact]
    public void SetSource_WithANullDefinition_ThrowsNamingTheSourceAndPublishesNothing()
    {
        var registry = new HookRegistry();
        var before = registry.SetSource("a", [Hook(HookEvent.Stop, "a1")]);

        var e = Assert.Throws<ArgumentException>(() => registry.SetSource("broken", [Hook(HookEvent.Stop, "x"), null!]));

        Assert.Contains("'broken'", e.Message, StringComparison.Ordinal);
        Assert.Same(before, registry.Snapshot);
    }

    [Fact]
    public void RemoveSource_WhenTheNameIsThere_RemovesOnlyItAndPublishesOneVersionHigher()
    {
        var registry = new HookRegistry();
        registry.SetSource("a", [Hook(HookEvent.Stop, "a1")]);
        registry.SetSource("b", [Hook(HookEvent.Stop, "b1")]);

        Assert.True(registry.RemoveSource("a"));

        var snapshot = registry.Snapshot;
        Assert.Equal(["b"], snapshot.Sources.Select(s => s.Key));
        Assert.Equal(["b1"], snapshot.For(HookEvent.Stop).Select(d => d.Command));
        Assert.Empty(snapshot.Source("a"));
        Assert.Equal(3, snapshot.Version);
    }

    [Fact]
    public void RemoveSource_WhenTheFirstOfSeveralIsRemoved_KeepsTheOthers()
    {
        var registry = new HookRegistry();
        registry.SetSource("a", [Hook(HookEvent.Stop, "a1")]);

        Assert.True(registry.RemoveSource("a"));

        Assert.Empty(registry.Snapshot.Sources);
        Assert.Equal(2, registry.Snapshot.Version);
        Assert.False(registry.RemoveSource("a"));
    }

    [Fact]
    public void RemoveSource_WhenTheNameIsAbsent_ReturnsFalseAndPublishesNothing()
    {
        var registry = new HookRegistry();
        var before = registry.SetSource("a", [Hook(HookEvent.Stop, "a1")]);

        Assert.False(registry.RemoveSource("missing"));

        Assert.Same(before, registry.Snapshot);
    }

    [Fact]
    public void Clear_RemovesEverySourceInOneChange()
    {
        var registry = new HookRegistry();
        registry.SetSource("a", [Hook(HookEvent.Stop, "a1")]);
        registry.SetSource("b", [Hook(HookEvent.PreToolUse, "b1")]);

        registry.Clear();

        Assert.Empty(registry.Snapshot.Sources);
        Assert.Empty(registry.Snapshot.For(HookEvent.Stop));
        Assert.Equal(3, registry.Snapshot.Version);
    }

    [Fact]
    public void Clear_WhenThereIsNoSource_PublishesNothing()
    {
        var registry = new HookRegistry();
        var before = registry.Snapshot;

        registry.Clear();

        Assert.Same(before, registry.Snapshot);
    }
    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void SetSource_WithABlankName_ThrowsAndPublishesNothing(string name)
    {
        var registry = new HookRegistry();

        Assert.ThrowsAny<ArgumentException>(() => registry.SetSource(name, [Hook(HookEvent.Stop, "x")]));

        Assert.Same(HookRegistrySnapshot.Empty, registry.Snapshot);
    }

    [Fact]
    public void RemoveSource_WithANullName_Throws()
    {
        var registry = new HookRegistry();
        registry.SetSource("a", [Hook(HookEvent.Stop, "a1")]);

        Assert.Throws<ArgumentNullException>(() => registry.RemoveSource(null!));
    }

    [Fact]
    public void Source_WhenTheNameIsAbsent_IsEmpty()
    {
        var registry = new HookRegistry();
        registry.SetSource("a", [Hook(HookEvent.Stop, "a1"), Hook(HookEvent.Stop, "a2")]);

        Assert.Empty(registry.Snapshot.Source("b"));
        Assert.Equal(["a1", "a2"], registry.Snapshot.Source("a").Select(d => d.Command));
    }
    [Fact]
    public void SetSource_WithNullDefinitions_ThrowsNamingTheArgument()
    {
        var registry = new HookRegistry();

        var e = Assert.Throws<ArgumentNullException>(() => registry.SetSource("a", null!));

        Assert.Equal("definitions", e.ParamName);
        Assert.Same(HookRegistrySnapshot.Empty, registry.Snapshot);
    }
}
