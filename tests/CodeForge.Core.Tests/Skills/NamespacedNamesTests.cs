using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class NamespacedNamesTests
{
    private static readonly string[] Names = ["document-skills:pdf", "document-skills:xlsx", "example-skills:pdf-tools", "review", "a:review", "b:lint", "c:lint"];

    [Theory]
    [InlineData("document-skills:pdf", "document-skills:pdf")]
    [InlineData("pdf", "document-skills:pdf")]
    [InlineData("xlsx", "document-skills:xlsx")]
    [InlineData("review", "review")] // an exact name wins over a plugin's short name
    public void Resolve_AFullOrUnambiguousShortName_GivesTheFullName(string typed, string full)
    {
        var result = NamespacedNames.Resolve(typed, Names);

        Assert.Equal(full, result.Name);
        Assert.False(result.IsAmbiguous);
    }

    [Fact]
    public void Resolve_AShortNameTwoPluginsShare_IsAmbiguousListingBoth()
    {
        var result = NamespacedNames.Resolve("lint", Names);

        Assert.Null(result.Name);
        Assert.True(result.IsAmbiguous);
        Assert.Equal(["b:lint", "c:lint"], result.Candidates);
        Assert.Equal("'lint' is ambiguous: several skills have that name (b:lint, c:lint); give the full name", result.AmbiguityMessage("skills", "lint"));
    }

    [Theory]
    [InlineData("pdf-tool")]
    [InlineData("x:pdf")]
    [InlineData("")]
    public void Resolve_NoMatch_GivesNothing(string typed)
    {
        var result = NamespacedNames.Resolve(typed, Names);

        Assert.Null(result.Name);
        Assert.False(result.IsAmbiguous);
        Assert.Empty(result.Candidates);
    }

    [Fact]
    public void Resolve_WithACaseInsensitiveComparer_MatchesAnyCase() =>
        Assert.Equal("document-skills:pdf", NamespacedNames.Resolve("PDF", Names, StringComparer.OrdinalIgnoreCase).Name);
}
