using CodeForge.Core.Skills;
using CodeForge.Core.Tokens;

namespace CodeForge.Core.Tests.Skills;

public sealed class SkillCatalogTests
{
    private static Skill Make(string name, string description, bool modelInvocable = true, string? whenToUse = null) =>
        new(new SkillDefinition(new SkillMetadata(name, description), "body", sourcePath: $"/skills/{name}/SKILL.md")
        {
            File = new SkillFileInfo { Directory = $"/skills/{name}", DisableModelInvocation = !modelInvocable, WhenToUse = whenToUse },
        });

    [Fact]
    public void Build_ListsNameDescriptionAndLocationOfEachSkill()
    {
        var text = SkillCatalog.Build([Make("pdf", "Fill PDF forms & more", whenToUse: "When PDFs appear."), Make("b", "Bee")]);

        Assert.Contains("<available_skills>", text, StringComparison.Ordinal);
        Assert.Contains("<skill><name>pdf</name><description>Fill PDF forms &amp; more When PDFs appear.</description><location>/skills/pdf/SKILL.md</location></skill>", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("<name>b</name>", StringComparison.Ordinal) < text.IndexOf("<name>pdf</name>", StringComparison.Ordinal));
        Assert.Contains("Skill tool", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LeavesOutSkillsTheModelMayNotInvoke()
    {
        var text = SkillCatalog.Build([Make("visible", "v"), Make("hidden", "h", modelInvocable: false)]);

        Assert.Contains("visible", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LeavesOutSkillsWithNeitherDescriptionNorWhenToUse()
    {
        var text = SkillCatalog.Build([Make("plain", "p"), Make("nodesc", ""), Make("wtu-only", "", whenToUse: "When asked.")]);

        Assert.Contains("<name>plain</name>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("nodesc", text, StringComparison.Ordinal);
        Assert.Contains("<name>wtu-only</name><description>When asked.</description>", text, StringComparison.Ordinal);
        Assert.Equal(["plain", "wtu-only"], SkillCatalog.ModelInvocable([Make("plain", "p"), Make("nodesc", " "), Make("wtu-only", "", whenToUse: "w")]).Select(s => s.Name));
    }

    [Fact]
    public void Build_NoInvocableSkill_IsEmpty()
    {
        Assert.Equal("", SkillCatalog.Build([]));
        Assert.Equal("", SkillCatalog.Build([Make("h", "h", modelInvocable: false)]));
    }

    [Theory]
    [InlineData(150)]
    [InlineData(300)]
    [InlineData(1000)]
    public void Build_StaysWithinTheTokenBudgetAndListsTheRestByName(int budget)
    {
        var skills = Enumerable.Range(0, 60).Select(i => Make($"skill-{i:D2}", new string('x', 200) + $" number {i}")).ToList();

        var text = SkillCatalog.Build(skills, budget);

        Assert.InRange(EstimatingCounter.Instance.Count(text), 1, budget);
        Assert.Contains("skill-00", text, StringComparison.Ordinal);
        Assert.DoesNotContain("skill-59</name>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ABudgetTooSmallForTheHeader_GivesNothing() =>
        Assert.Equal("", SkillCatalog.Build([Make("a", "b")], tokenBudget: 5));

    [Fact]
    public void Build_TruncatesVeryLongDescriptions()
    {
        var text = SkillCatalog.Build([Make("a", new string('y', 3000))], tokenBudget: 100_000);

        Assert.Contains(new string('y', 1500) + "", text, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('y', 1536), text, StringComparison.Ordinal);
    }

    /// <summary>One token per character, so budgets can be set to the exact length of a text.</summary>
    private sealed class CharCounter : ITokenCounter
    {
        public int Count(string text) => text.Length;

        public int CountMessages(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages) => throw new NotSupportedException();
    }

    private const string Header =
        "# Skills\n" +
        "Skills are folders of instructions for specialised tasks. When a task matches a skill's description, call the " +
        "Skill tool with its name (and any arguments) before doing the task: it returns the skill's full instructions. " +
        "Files a skill mentions are relative to its directory; read them only when needed.\n";

    private static string EntryOf(string name, string description) =>
        $"<skill><name>{name}</name><description>{description}</description><location>/skills/{name}/SKILL.md</location></skill>\n";

    [Fact]
    public void Build_WithABudgetOfExactlyTheWholeText_ListsEverySkillInFull()
    {
        var expected = Header + "<available_skills>\n" + EntryOf("a", "A.") + EntryOf("b", "B.") + "</available_skills>\n";

        var text = SkillCatalog.Build([Make("b", "B."), Make("a", "A.")], expected.Length, new CharCounter());

        Assert.Equal(expected, text);
    }

    [Fact]
    public void Build_OneTokenShortOfTheLastEntry_ListsThatSkillByName()
    {
        var full = Header + "<available_skills>\n" + EntryOf("a", "A.") + EntryOf("b", "B.") + "</available_skills>\n";

        var text = SkillCatalog.Build([Make("a", "A."), Make("b", "B.")], full.Length - 1, new CharCounter());

        Assert.Equal(Header + "<available_skills>\n" + EntryOf("a", "A.") + "</available_skills>\n" +
            "More skills (name only; the Skill tool loads them): b.\n", text);
    }

    [Fact]
    public void Build_WhenOnlySomeNamesFit_SaysHowManyMoreThereAre()
    {
        var skeleton = Header + "<available_skills>\n</available_skills>\n";
        var names = "More skills (name only; the Skill tool loads them): a and 3 more.\n";
        var skills = new[] { Make("a", new string('x', 400)), Make("b", "B"), Make("c", "C"), Make("d", "D") };

        var text = SkillCatalog.Build(skills, skeleton.Length + names.Length, new CharCounter());

        Assert.Equal(skeleton + "More skills (name only; the Skill tool loads them): a and 3 more.\n", text);
    }

    [Fact]
    public void Build_WhenEveryNameFits_ListsThemSeparatedByCommas()
    {
        var skeleton = Header + "<available_skills>\n</available_skills>\n";
        const string Prefix = "More skills (name only; the Skill tool loads them): ";
        var skills = new[] { Make("a", new string('x', 400)), Make("b", "B"), Make("c", "C") };

        // Each name is added only when the longest ending (" and 3 more.") would still fit after it.
        var text = SkillCatalog.Build(skills, skeleton.Length + (Prefix + "a, b, c and 3 more.\n").Length, new CharCounter());

        Assert.Equal(skeleton + Prefix + "a, b, c.\n", text);
    }

    [Fact]
    public void Build_WhenNoNameFits_CountsTheSkillsLeftOut()
    {
        var skeleton = Header + "<available_skills>\n</available_skills>\n";
        var note = "(2 more skills are not listed for space.)\n";
        var skills = new[] { Make("a-very-long-skill-name-that-does-not-fit", "A"), Make("b", "B") };

        Assert.Equal(skeleton + note, SkillCatalog.Build(skills, skeleton.Length + note.Length, new CharCounter()));
        Assert.Equal(skeleton, SkillCatalog.Build(skills, skeleton.Length + note.Length - 1, new CharCounter()));
    }

    [Fact]
    public void Build_ABudgetOfExactlyTheHeader_GivesTheEmptyBlock()
    {
        var skeleton = Header + "<available_skills>\n</available_skills>\n";

        Assert.Equal(skeleton, SkillCatalog.Build([Make("a", "A")], skeleton.Length, new CharCounter()));
        Assert.Equal("", SkillCatalog.Build([Make("a", "A")], skeleton.Length - 1, new CharCounter()));
    }

    [Fact]
    public void Build_ANegativeBudget_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SkillCatalog.Build([Make("a", "A")], -1));

    [Fact]
    public void Build_ADescriptionOfExactlyTheListingLimit_IsKeptWhole_AndOneMoreIsCutWithAnEllipsis()
    {
        var exact = new string('y', SkillCatalog.MaxEntryDescriptionLength);
        var over = new string('z', SkillCatalog.MaxEntryDescriptionLength + 1);

        var text = SkillCatalog.Build([Make("a", exact), Make("b", over)], tokenBudget: 100_000);

        Assert.Contains($"<description>{exact}</description>", text, StringComparison.Ordinal);
        Assert.Contains($"<description>{new string('z', SkillCatalog.MaxEntryDescriptionLength - 1)}…</description>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TrimsTheDescriptionAndTheWhenToUse_AndEscapesTheName()
    {
        var skill = new Skill(new SkillDefinition(new SkillMetadata("a&b", "  Does a.  "), "body")
        {
            File = new SkillFileInfo { Directory = "/d", WhenToUse = "  When <a> is asked.  " },
        });

        var text = SkillCatalog.Build([skill], tokenBudget: 100_000);

        Assert.Contains("<skill><name>a&amp;b</name><description>Does a. When &lt;a&gt; is asked.</description></skill>\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AnEmptyWhenToUse_AddsNothingToTheDescription()
    {
        var text = SkillCatalog.Build([Make("a", "Does a.", whenToUse: "")], tokenBudget: 100_000);

        Assert.Contains("<description>Does a.</description>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Described_IsTrueForADescriptionOrAWhenToUse()
    {
        Assert.True(SkillCatalog.Described(Make("a", "d")));
        Assert.True(SkillCatalog.Described(Make("a", " ", whenToUse: "w")));
        Assert.False(SkillCatalog.Described(Make("a", " ", whenToUse: " ")));
        Assert.False(SkillCatalog.Described(new Skill(new SkillDefinition(new SkillMetadata("a", ""), "body"))));
        Assert.True(SkillCatalog.Described(new Skill(new SkillDefinition(new SkillMetadata("a", "d"), "body"))));
    }
}
