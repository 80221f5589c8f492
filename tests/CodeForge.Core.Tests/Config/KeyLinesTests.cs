using CodeForge.Core.Config;

namespace CodeForge.Core.Tests.Config;

public sealed class KeyLinesTests
{
    [Fact]
    public void Index_MapsNestedKeysAndArrayItemsToTheirLines()
    {
        var lines = KeyLines.Index("{\n \"a\": {\n  \"b\": [\n   1,\n   {\"c\": 2}\n  ]\n }\n}");

        Assert.Equal(2, lines["a"]);
        Assert.Equal(3, lines["a.b"]);
        Assert.Equal(4, lines["a.b[0]"]);
        Assert.Equal(5, lines["a.b[1]"]);
        Assert.Equal(5, lines["a.b[1].c"]);
    }

    [Fact]
    public void Index_ReadsPastCommentsAndTrailingCommasAsTheSettingsParserDoes()
    {
        var lines = KeyLines.Index("{\n  // the list\n  \"a\": [1, 2,],\n  /* more */ \"b\": 3,\n}");

        Assert.Equal(3, lines["a"]);
        Assert.Equal(3, lines["a[1]"]);
        Assert.Equal(4, lines["b"]);
    }

    [Fact]
    public void Index_WhenATokenStartsALine_GivesThatLine()
    {
        var lines = KeyLines.Index("{\n\"a\": 1,\n\"b\": [\n2\n]\n}");

        Assert.Equal((2, 3, 4), (lines["a"], lines["b"], lines["b[0]"]));
    }
}
