using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class SkillMetadataTests
{
    [Fact]
    public void Constructor_AppliesTheOriginalsDefaults()
    {
        var metadata = new SkillMetadata("pdf", "Work with PDF files");

        Assert.Equal("", metadata.Author);
        Assert.Equal("1.0.0", metadata.Version);
        Assert.Empty(metadata.Tags);
        Assert.Empty(metadata.Aliases);
        Assert.Empty(metadata.Examples);
        Assert.Null(metadata.License);
        Assert.Null(metadata.Compatibility);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("tab\tname")]
    [InlineData("new\nline")]
    public void Constructor_WhenNameIsUnusable_ThrowsNamingIt(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => new SkillMetadata(name, "d"));

        Assert.Equal("name", ex.ParamName);
    }

    [Fact]
    public void Constructor_WhenDescriptionIsNull_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new SkillMetadata("pdf", null!));

    [Fact]
    public void Constructor_WhenVersionIsBlank_Throws() =>
        Assert.Throws<ArgumentException>(() => new SkillMetadata("pdf", "d", version: " "));

    [Fact]
    public void Constructor_WhenAnAliasHasWhitespace_ThrowsNamingTheSkill()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SkillMetadata("pdf", "d", aliases: ["ok", "not ok"]));

        Assert.Equal("aliases", ex.ParamName);
        Assert.Contains("Alias of skill 'pdf'[1] 'not ok'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WhenATagIsBlank_Throws() =>
        Assert.Throws<ArgumentException>(() => new SkillMetadata("pdf", "d", tags: ["docs", " "]));

    [Fact]
    public void Constructor_DropsDuplicateListEntriesKeepingFirstOrder()
    {
        var metadata = new SkillMetadata("pdf", "d", tags: ["b", "a", "b"], aliases: ["p", "p"]);

        Assert.Equal(["b", "a"], metadata.Tags);
        Assert.Equal(["p"], metadata.Aliases);
    }

    [Fact]
    public void Constructor_CopiesListsSoLaterCallerChangesDoNotLeakIn()
    {
        var tags = new List<string> { "docs" };
        var metadata = new SkillMetadata("pdf", "d", tags: tags);

        tags.Add("late");

        Assert.Equal(["docs"], metadata.Tags);
    }

    [Theory]
    [InlineData("PDF", true)]
    [InlineData("portable", true)]
    [InlineData("DOCU", true)]
    [InlineData("someone", false)]
    [InlineData("", true)]
    public void Matches_IsCaseInsensitiveOnNameDescriptionAndTags(string query, bool expected)
    {
        var metadata = new SkillMetadata("pdf", "Portable files", author: "someone", tags: ["documents"]);

        Assert.Equal(expected, metadata.Matches(query));
    }

    [Fact]
    public void Equals_ComparesListsByValue()
    {
        var a = new SkillMetadata("pdf", "d", tags: new List<string> { "x" });
        var b = new SkillMetadata("pdf", "d", tags: ["x"]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { License = "MIT" });
    }
}
