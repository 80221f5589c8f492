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
}
