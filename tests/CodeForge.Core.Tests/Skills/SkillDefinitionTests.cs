using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class SkillDefinitionTests
{
    private static readonly SkillMetadata Pdf = new("pdf", "PDF files");

    [Fact]
    public void Constructor_WithOnlyMetadataAndPrompt_HasNoToolsConfigOrSource()
    {
        var definition = new SkillDefinition(Pdf, "Prompt");

        Assert.Empty(definition.Tools);
        Assert.Empty(definition.Config);
        Assert.Null(definition.SourcePath);
        Assert.False(definition.IsBuiltin);
    }

    [Fact]
    public void Constructor_WhenMetadataOrPromptIsNull_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new SkillDefinition(null!, "p"));
        Assert.Throws<ArgumentNullException>(() => new SkillDefinition(Pdf, null!));
    }

    [Fact]
    public void Constructor_WhenAnOptionIsDeclaredTwice_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new SkillDefinition(Pdf, "p", config: [new SkillConfig("mode"), new SkillConfig("mode", SkillConfigType.Int)]));

        Assert.Contains("Skill 'pdf' declares config option 'mode' more than once", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WhenAToolIsBlank_Throws() =>
        Assert.Throws<ArgumentException>(() => new SkillDefinition(Pdf, "p", tools: ["Read", ""]));

    [Fact]
    public void Constructor_KeepsAllowedToolPatternsAsWritten()
    {
        var definition = new SkillDefinition(Pdf, "p", tools: ["Bash(git:*)", "Read"]);

        Assert.Equal(["Bash(git:*)", "Read"], definition.Tools);
    }

    [Fact]
    public void GetConfigOption_FindsByExactName()
    {
        var definition = new SkillDefinition(Pdf, "p", config: [new SkillConfig("mode")]);

        Assert.NotNull(definition.GetConfigOption("mode"));
        Assert.Null(definition.GetConfigOption("Mode"));
    }

    [Fact]
    public void Equals_OfDefinitionsFromFiles_ComparesTheFilesWithoutReadingThem()
    {
        // No such files: reading a body would throw.
        var a = SkillDefinition.FromFile(Pdf, new MarkdownBody("/missing/pdf/SKILL.md"));
        var same = SkillDefinition.FromFile(Pdf, new MarkdownBody("/missing/pdf/SKILL.md"));
        var other = SkillDefinition.FromFile(Pdf, new MarkdownBody("/missing/other/SKILL.md")) with { SourcePath = "/missing/pdf/SKILL.md" };

        Assert.Equal(a, same);
        Assert.Equal(a.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(a, other);
        Assert.NotEqual(a, new SkillDefinition(Pdf, "p", sourcePath: "/missing/pdf/SKILL.md"));
        Assert.NotEqual(new SkillDefinition(Pdf, "p", sourcePath: "/missing/pdf/SKILL.md"), a);
    }

    [Fact]
    public void With_ChangesOnlyTheSourceInformation()
    {
        var definition = new SkillDefinition(Pdf, "p", config: [new SkillConfig("mode")]);

        var loaded = definition with { SourcePath = "/skills/pdf/SKILL.md", IsBuiltin = true };

        Assert.Equal("/skills/pdf/SKILL.md", loaded.SourcePath);
        Assert.True(loaded.IsBuiltin);
        Assert.NotEqual(definition, loaded);
        Assert.Equal(definition, new SkillDefinition(new SkillMetadata("pdf", "PDF files"), "p", config: [new SkillConfig("mode")]));
    }
}
