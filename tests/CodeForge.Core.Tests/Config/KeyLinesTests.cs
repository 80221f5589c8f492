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
}
