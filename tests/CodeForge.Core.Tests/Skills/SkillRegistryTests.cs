using CodeForge.Core.Skills;
using Microsoft.Extensions.Time.Testing;

namespace CodeForge.Core.Tests.Skills;

public sealed class SkillRegistryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly SkillRegistry _registry;
    private readonly List<SkillTransition> _transitions = [];

    public SkillRegistryTests()
    {
        _registry = new SkillRegistry(_time);
        _registry.Changed += (_, t) => _transitions.Add(t);
    }

    internal static Skill Make(
        string name, string[]? tags = null, string[]? aliases = null, bool builtin = false, string description = "d",
        string prompt = "p", params SkillConfig[] config) =>
        new(new SkillDefinition(new SkillMetadata(name, description, tags: tags, aliases: aliases), prompt,
            config: config, isBuiltin: builtin));

    private Skill Add(string name, string[]? tags = null, string[]? aliases = null, bool builtin = false,
        params SkillConfig[] config)
    {
        var skill = Make(name, tags, aliases, builtin, config: config);
        _registry.Register(skill);
        return skill;
    }

    private string[] Log() => [.. _transitions.Select(t => t.ToString())];

    [Fact]
    public void Register_ThenGet_ReturnsTheSameInstance()
    {
        var pdf = Add("pdf");

        Assert.Same(pdf, _registry.Get("pdf"));
        Assert.True(_registry.Exists("pdf"));
        Assert.Equal(1, _registry.Count);
        Assert.Null(_registry.Get("PDF"));
    }

    [Fact]
    public void Register_WhenTheNameIsTaken_ThrowsNamingTheSkillAndKeepsTheFirst()
    {
        var first = Add("pdf");

        var ex = Assert.Throws<ArgumentException>(() => _registry.Register(Make("pdf")));

        Assert.StartsWith("Skill already registered: pdf", ex.Message, StringComparison.Ordinal);
        Assert.Same(first, _registry.Get("pdf"));
        Assert.Equal(1, _registry.Count);
    }

    [Fact]
    public void Register_WhenSkillIsNull_Throws() =>
        Assert.Throws<ArgumentNullException>(() => _registry.Register((Skill)null!));

    [Fact]
    public void Register_OfADefinition_CreatesAndReturnsTheSkill()
    {
        var skill = _registry.Register(new SkillDefinition(new SkillMetadata("api", "d"), "p"));

        Assert.Same(skill, _registry.Get("api"));
    }

    [Fact]
    public void Register_AddsOnlyAliasesThatAreNeitherAliasesNorSkillNames()
    {
        Add("pdf", aliases: ["doc", "portable"]);
        Add("excel", aliases: ["doc", "pdf", "sheet", "excel"]);

        Assert.Equal("pdf", _registry.Get("doc")!.Name);
        Assert.Equal("pdf", _registry.Get("pdf")!.Name);
        Assert.Equal("excel", _registry.Get("sheet")!.Name);
        Assert.Equal(
            new Dictionary<string, string> { ["doc"] = "pdf", ["portable"] = "pdf", ["sheet"] = "excel" },
            _registry.Snapshot.Aliases.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
    }

    [Fact]
    public void Get_PrefersASkillNameOverAnEarlierAlias()
    {
        Add("pdf", aliases: ["excel"]);
        var excel = Add("excel");

        Assert.Same(excel, _registry.Get("excel"));
    }

    [Fact]
    public void Unregister_RemovesTheSkillAndItsAliases()
    {
        Add("pdf", aliases: ["doc"]);

        Assert.True(_registry.Unregister("pdf"));

        Assert.Null(_registry.Get("pdf"));
        Assert.Null(_registry.Get("doc"));
        Assert.Empty(_registry.Snapshot.Aliases);
        Assert.False(_registry.Unregister("pdf"));
    }

    [Fact]
    public void Unregister_ByAlias_DoesNothing()
    {
        Add("pdf", aliases: ["doc"]);

        Assert.False(_registry.Unregister("doc"));
        Assert.NotNull(_registry.Get("pdf"));
    }

    [Fact]
    public void Unregister_WhenTheSkillIsActive_DeactivatesItInOneTransition()
    {
        Add("pdf");
        _registry.Activate("pdf");

        Assert.True(_registry.Unregister("pdf"));

        Assert.Null(_registry.Active);
        Assert.Equal(["#1 Activated(pdf)", "#2 Deactivated(pdf)"], Log());
    }

    [Fact]
    public void Unregister_WhenAnotherSkillIsActive_LeavesItActive()
    {
        Add("pdf");
        Add("api");
        _registry.Activate("api");

        _registry.Unregister("pdf");

        Assert.Equal("api", _registry.ActiveSkill!.Name);
        Assert.Single(_transitions);
    }

    [Fact]
    public void ListSkills_IsSortedByNameOrdinally()
    {
        Add("beta");
        Add("Zulu");
        Add("alpha");

        Assert.Equal(["Zulu", "alpha", "beta"], _registry.ListSkills().Select(s => s.Name));
    }

    [Fact]
    public void ListSkills_WithATag_FiltersIgnoringCase()
    {
        Add("pdf", tags: ["Docs"]);
        Add("excel", tags: ["docs", "data"]);
        Add("api", tags: ["web"]);

        Assert.Equal(["excel", "pdf"], _registry.ListSkills("docs").Select(s => s.Name));
        Assert.Empty(_registry.ListSkills("none"));
    }

    [Fact]
    public void ListBuiltinAndCustom_SplitBySource()
    {
        Add("pdf", builtin: true);
        Add("mine");

        Assert.Equal(["pdf"], _registry.ListBuiltin().Select(s => s.Name));
        Assert.Equal(["mine"], _registry.ListCustom().Select(s => s.Name));
    }

    [Fact]
    public void Search_MatchesNameDescriptionAndTagsIgnoringCase()
    {
        _registry.Register(Make("pdf", description: "Portable documents"));
        _registry.Register(Make("excel", tags: ["Spreadsheet"]));
        _registry.Register(Make("api", description: "HTTP"));

        Assert.Equal(["pdf"], _registry.Search("PORTABLE").Select(s => s.Name));
        Assert.Equal(["excel"], _registry.Search("sheet").Select(s => s.Name));
        Assert.Equal(["excel", "pdf"], _registry.Search("E").Select(s => s.Name));
        Assert.Equal(3, _registry.Search("").Count);
        Assert.Throws<ArgumentNullException>(() => _registry.Search(null!));
    }

    [Fact]
    public void GetTags_ListsEachTagOnceSorted()
    {
        Add("pdf", tags: ["docs", "files"]);
        Add("excel", tags: ["docs", "data"]);

        Assert.Equal(["data", "docs", "files"], _registry.GetTags());
    }

    [Fact]
    public void GetStats_CountsSkillsAndNamesTheActiveOne()
    {
        Add("pdf", tags: ["docs"], builtin: true);
        Add("excel", tags: ["data"], builtin: true);
        Add("mine");
        _registry.Activate("mine");

        var stats = _registry.GetStats();

        Assert.Equal(3, stats.Total);
        Assert.Equal(2, stats.Builtin);
        Assert.Equal(1, stats.Custom);
        Assert.Equal("mine", stats.Active);
        Assert.Equal(["data", "docs"], stats.Tags);
    }

    [Fact]
    public void Activate_WhenTheSkillIsUnknown_ReportsItAndChangesNothing()
    {
        var (skill, errors) = _registry.Activate("ghost");

        Assert.Null(skill);
        Assert.Equal(["Skill not found: ghost"], errors);
        Assert.Empty(_transitions);
        Assert.Equal(0, _registry.Snapshot.Version);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Activate_WhenTheNameIsBlank_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => _registry.Activate(name));

    [Fact]
    public void Activate_WhenTheNameIsNull_Throws() =>
        Assert.Throws<ArgumentNullException>(() => _registry.Activate(null!));

    [Fact]
    public void Activate_WhenTheSkillIsUnregisteredWhileItsConfigIsRead_ReportsItNotFoundAndActivatesNothing()
    {
        Add("pdf");
        var config = new ConfigThatRunsOnFirstRead(() => _registry.Unregister("pdf"));

        var result = _registry.Activate("pdf", config);

        Assert.Null(result.Activation);
        Assert.Equal(["Skill not found: pdf"], result.Errors);
        Assert.False(_registry.IsActive("pdf"));
        Assert.Empty(_transitions);
    }

    [Fact]
    public void Activate_WhenTheSkillIsReplacedWhileItsConfigIsRead_ActivatesTheNewOne()
    {
        Add("pdf");
        var replacement = Make("pdf", description: "new");
        var config = new ConfigThatRunsOnFirstRead(() => _registry.Exchange(["pdf"], [replacement]));

        var result = _registry.Activate("pdf", config);

        Assert.Same(replacement, result.Activation?.Skill);
        Assert.True(_registry.IsActive("pdf"));
    }

    /// <summary>An empty config that runs an action the first time <see cref="Skill.ResolveConfig"/> reads it.</summary>
    private sealed class ConfigThatRunsOnFirstRead(Action action) : IReadOnlyDictionary<string, object?>
    {
        private readonly Dictionary<string, object?> _empty = [];
        private Action? _action = action;

        public int Count
        {
            get
            {
                Interlocked.Exchange(ref _action, null)?.Invoke();
                return 0;
            }
        }

        public object? this[string key] => _empty[key];

        public IEnumerable<string> Keys => _empty.Keys;

        public IEnumerable<object?> Values => _empty.Values;

        public bool ContainsKey(string key) => false;

        public bool TryGetValue(string key, out object? value) => _empty.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _empty.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public void Activate_MakesTheSkillActiveAndRecordsConfigAndTime()
    {
        var pdf = Add("pdf", config: new SkillConfig("pages", SkillConfigType.Int, 10));

        var result = _registry.Activate("pdf");

        Assert.True(result.Succeeded);
        Assert.Same(pdf, result.Skill);
        Assert.Empty(result.Errors);
        var active = _registry.Active!;
        Assert.Same(result.Activation, active);
        Assert.Equal(10L, active.Config["pages"]);
        Assert.Equal(_time.GetUtcNow(), active.ActivatedAt);
        Assert.Equal(1, active.Sequence);
        Assert.True(_registry.IsActive("pdf"));
        Assert.Equal(["#1 Activated(pdf)"], Log());
    }

    [Fact]
    public void Activate_ByAlias_ActivatesTheSkill()
    {
        var pdf = Add("pdf", aliases: ["doc"]);

        Assert.Same(pdf, _registry.Activate("doc").Skill);
        Assert.True(_registry.IsActive("doc"));
        Assert.True(_registry.IsActive("pdf"));
    }

    [Fact]
    public void Activate_WhenAnotherSkillIsActive_DeactivatesIt()
    {
        Add("pdf");
        Add("excel");
        _registry.Activate("pdf");

        _registry.Activate("excel");

        Assert.Equal("excel", _registry.ActiveSkill!.Name);
        Assert.False(_registry.IsActive("pdf"));
        Assert.Equal(["#1 Activated(pdf)", "#2 Deactivated(pdf)", "#3 Activated(excel)"], Log());
    }

    [Fact]
    public void Activate_WhenConfigIsInvalid_ReturnsTheErrorsAndKeepsTheActiveSkill()
    {
        Add("pdf");
        Add("excel", config: new SkillConfig("sheet", required: true));
        _registry.Activate("pdf");
        var before = _registry.Snapshot;

        var (skill, errors) = _registry.Activate("excel");

        Assert.Null(skill);
        Assert.Equal(["Required option 'sheet' not provided"], errors);
        Assert.Same(before, _registry.Snapshot);
        Assert.Equal(["#1 Activated(pdf)"], Log());
    }

    [Fact]
    public void Activate_WhenAlreadyActive_ReactivatesWithTheNewConfig()
    {
        Add("pdf", config: new SkillConfig("mode", SkillConfigType.Choice, "fast", choices: ["fast", "slow"]));
        var first = _registry.Activate("pdf").Activation!;
        _time.Advance(TimeSpan.FromMinutes(1));

        var second = _registry.Activate("pdf", new Dictionary<string, object?> { ["mode"] = "slow" }).Activation!;

        Assert.Equal("fast", first.Config["mode"]);
        Assert.Equal("slow", second.Config["mode"]);
        Assert.Equal(first.ActivatedAt + TimeSpan.FromMinutes(1), second.ActivatedAt);
        Assert.Same(second, _registry.Active);
        Assert.Equal(["#1 Activated(pdf)", "#2 Deactivated(pdf)", "#3 Activated(pdf)"], Log());
        Assert.Same(first, _transitions[1].Activation);
    }

    [Fact]
    public void Active_GetPrompt_FillsPlaceholdersFromTheActivationConfig()
    {
        _registry.Register(Make("pdf", prompt: "Extract {{ what }} from {{ pages }} pages",
            config: [new SkillConfig("what", defaultValue: "tables"), new SkillConfig("pages", SkillConfigType.Int)]));

        _registry.Activate("pdf", new Dictionary<string, object?> { ["pages"] = "4" });

        Assert.Equal("Extract tables from 4 pages", _registry.Active!.GetPrompt());
    }

    [Fact]
    public void Deactivate_WhenNothingIsActive_ReturnsNullWithoutATransition()
    {
        Assert.Null(_registry.Deactivate());
        Assert.Empty(_transitions);
    }

    [Fact]
    public void Deactivate_ReturnsThePreviouslyActiveSkill()
    {
        var pdf = Add("pdf");
        _registry.Activate("pdf");

        Assert.Same(pdf, _registry.Deactivate());

        Assert.Null(_registry.Active);
        Assert.Null(_registry.Deactivate());
        Assert.Equal(["#1 Activated(pdf)", "#2 Deactivated(pdf)"], Log());
    }

    [Fact]
    public void Clear_DeactivatesAndRemovesEverything()
    {
        Add("pdf", aliases: ["doc"]);
        Add("api");
        _registry.Activate("pdf");

        _registry.Clear();

        Assert.Equal(0, _registry.Count);
        Assert.Null(_registry.Active);
        Assert.Empty(_registry.Snapshot.Aliases);
        Assert.Equal(["#1 Activated(pdf)", "#2 Deactivated(pdf)"], Log());
    }

    [Fact]
    public void Clear_IsOneVersionStep()
    {
        Add("pdf");
        Add("api");

        _registry.Clear();

        Assert.Equal(3, _registry.Snapshot.Version);
    }

    [Fact]
    public void Snapshot_DoesNotChangeWhenTheRegistryDoes()
    {
        Add("pdf");
        var before = _registry.Snapshot;

        _registry.Activate("pdf");
        Add("api");

        Assert.Null(before.Active);
        Assert.Equal(1, before.Count);
        Assert.Equal(1, before.Version);
        Assert.Equal(3, _registry.Snapshot.Version);
    }

    [Fact]
    public void Changed_WhenAHandlerThrows_ReportsItAndStillDeliversToTheOthers()
    {
        var failures = new List<SkillCallbackFailure>();
        var boom = new InvalidOperationException("boom");
        var registry = new SkillRegistry(_time);
        registry.Changed += (_, _) => throw boom;
        var seen = new List<string>();
        registry.Changed += (_, t) => seen.Add(t.ToString());
        registry.CallbackFailed += (_, f) => failures.Add(f);
        registry.Register(Make("pdf"));

        var result = registry.Activate("pdf");
        registry.Deactivate();

        Assert.True(result.Succeeded);
        Assert.Equal(["#1 Activated(pdf)", "#2 Deactivated(pdf)"], seen);
        Assert.Equal(2, registry.CallbackFailures);
        Assert.Equal([1L, 2L], failures.Select(f => f.Transition.Sequence));
        Assert.All(failures, f => Assert.Same(boom, f.Exception));
    }

    [Fact]
    public void Changed_WhenTheFailureReporterAlsoThrows_TheRegistryKeepsWorking()
    {
        var registry = new SkillRegistry(_time);
        registry.Changed += (_, _) => throw new InvalidOperationException("handler");
        registry.CallbackFailed += (_, _) => throw new InvalidOperationException("reporter");
        registry.Register(Make("pdf"));

        Assert.True(registry.Activate("pdf").Succeeded);
        Assert.NotNull(registry.Deactivate());
        Assert.Equal(2, registry.CallbackFailures);
    }

    [Fact]
    public void Changed_WhenAHandlerCallsBackIntoTheRegistry_DoesNotDeadlockAndKeepsOrder()
    {
        Add("pdf");
        Add("excel");
        var activeSeenInHandler = new List<string?>();
        _registry.Changed += (_, t) =>
        {
            if (t is { Kind: SkillTransitionKind.Activated, Activation.Name: "pdf" })
            {
                Assert.True(_registry.Activate("excel").Succeeded);
                activeSeenInHandler.Add(_registry.ActiveSkill?.Name);
                Assert.NotNull(_registry.GetStats());
            }
        };

        _registry.Activate("pdf");

        Assert.Equal(["excel"], activeSeenInHandler);
        Assert.Equal(["#1 Activated(pdf)", "#2 Deactivated(pdf)", "#3 Activated(excel)"], Log());
    }

    [Fact]
    public void Changed_AfterUnsubscribing_StopsDelivering()
    {
        Add("pdf");
        var count = 0;
        void Handler(object? sender, SkillTransition t) => count++;
        _registry.Changed += Handler;
        _registry.Activate("pdf");

        _registry.Changed -= Handler;
        _registry.Deactivate();

        Assert.Equal(1, count);
        Assert.Equal(2, _transitions.Count);
    }

    [Fact]
    public void Changed_PassesTheRegistryAsSender()
    {
        Add("pdf");
        object? sender = null;
        _registry.Changed += (s, _) => sender = s;

        _registry.Activate("pdf");

        Assert.Same(_registry, sender);
    }

    [Fact]
    public void Shared_IsOneInstanceUntilReset()
    {
        var first = SkillRegistry.Shared;
        Assert.Same(first, SkillRegistry.Shared);

        SkillRegistry.ResetShared();

        Assert.NotSame(first, SkillRegistry.Shared);
    }

    [Fact]
    public void UnregisterMany_RemovesTheAliasesOfTheRemovedSkills()
    {
        Add("pdf", aliases: ["doc"]);
        Add("kept", aliases: ["k"]);

        Assert.Equal(1, _registry.UnregisterMany(["pdf"]));

        Assert.Null(_registry.Get("doc"));
        Assert.False(_registry.Exists("doc"));
        Assert.Equal(["k"], _registry.Snapshot.Aliases.Keys);
        Assert.Equal("kept", _registry.Get("k")!.Name);
    }

    [Fact]
    public void Exchange_GivesTheAliasOfARemovedSkillToTheSkillAddedInItsPlace()
    {
        Add("pdf", aliases: ["doc"]);

        _registry.Exchange(["pdf"], [Make("pdf2", aliases: ["doc"])]);

        Assert.Equal("pdf2", _registry.Get("doc")!.Name);
        Assert.Equal("pdf2", _registry.Snapshot.Aliases["doc"]);
    }

}

public sealed class SkillRegistryBatchTests
{
    private static Skill Make(string name) => SkillRegistryTests.Make(name);

    [Fact]
    public void RegisterMany_PublishesAllInOneVersionStep()
    {
        var registry = new SkillRegistry();
        var before = registry.Snapshot.Version;

        registry.RegisterMany([Make("a"), Make("b"), Make("c")]);

        Assert.Equal(3, registry.Count);
        Assert.Equal(before + 1, registry.Snapshot.Version);
    }

    [Fact]
    public void RegisterMany_WhenOneNameIsTaken_RegistersNothing()
    {
        var registry = new SkillRegistry();
        registry.Register(Make("b"));

        Assert.Throws<ArgumentException>(() => registry.RegisterMany([Make("a"), Make("b")]));
        Assert.Throws<ArgumentException>(() => registry.RegisterMany([Make("c"), Make("c")]));

        Assert.Equal(["b"], registry.ListSkills().Select(s => s.Name));
    }

    [Fact]
    public void Exchange_ReplacesSkillsAtomicallyAndDeactivatesARemovedActiveSkill()
    {
        var registry = new SkillRegistry();
        var transitions = new List<SkillTransition>();
        registry.Changed += (_, t) => transitions.Add(t);
        registry.RegisterMany([Make("p:a"), Make("p:b"), Make("other")]);
        registry.Activate("p:a");

        var removed = registry.Exchange(["p:a", "p:b", "missing"], [Make("p:a"), Make("p:c")]);

        Assert.Equal(2, removed);
        Assert.Equal(["other", "p:a", "p:c"], registry.ListSkills().Select(s => s.Name));
        Assert.Null(registry.ActiveSkill);
        Assert.Equal(SkillTransitionKind.Deactivated, transitions[^1].Kind);
    }

    [Fact]
    public void UnregisterMany_IgnoresUnknownNames()
    {
        var registry = new SkillRegistry();
        registry.RegisterMany([Make("a"), Make("b")]);

        Assert.Equal(1, registry.UnregisterMany(["a", "zzz"]));
        Assert.Equal(0, registry.UnregisterMany([]));
        Assert.Equal(["b"], registry.ListSkills().Select(s => s.Name));
    }
}
