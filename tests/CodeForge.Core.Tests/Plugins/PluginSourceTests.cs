using System.Text.Json;
using CodeForge.Core.Plugins;

namespace CodeForge.Core.Tests.Plugins;

/// <summary>Parsing a marketplace entry's <c>source</c> value (the marketplace file around it: <see cref="MarketplaceTests"/>).</summary>
public sealed class PluginSourceTests
{
    [Theory]
    [InlineData("""{ "source": "github", "repo": 5 }""", "a \"github\" source needs \"repo\" (owner/name)")]
    [InlineData("""{ "source": "url", "url": ["https://x.git"] }""", "a \"url\" source needs \"url\"")]
    [InlineData("""{ "source": "npm", "package": null }""", "a \"npm\" source needs \"package\"")]
    [InlineData("""{ "source": 1, "repo": "a/b" }""", "the \"source\" object needs a \"source\" kind (github, url, git-subdir, npm, …)")]
    public void Parse_AFieldThatIsNotAString_CountsAsMissing(string json, string error)
    {
        using var doc = JsonDocument.Parse(json);

        Assert.Null(PluginSource.Parse(doc.RootElement, out var why));
        Assert.Equal(error, why);
    }

    [Fact]
    public void Parse_IgnoresOptionalFieldsThatAreNotStrings()
    {
        using var doc = JsonDocument.Parse("""{ "source": "github", "repo": "o/r", "ref": 3, "sha": {}, "path": false }""");

        var source = PluginSource.Parse(doc.RootElement, out var error);

        Assert.Null(error);
        Assert.Equal("github o/r", source!.Text);
        Assert.Null(source.Ref);
        Assert.Null(source.Sha);
        Assert.Null(source.Path);
    }
}
