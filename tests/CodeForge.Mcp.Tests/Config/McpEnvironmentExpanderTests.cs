using CodeForge.Mcp.Config;

namespace CodeForge.Mcp.Tests.Config;

public sealed class McpEnvironmentExpanderTests
{
    private static readonly Dictionary<string, string> Vars = new() { ["HOME"] = "/home/u", ["EMPTY"] = "", ["N1"] = "one" };

    private static (string Text, List<string> Missing) Expand(string text)
    {
        var missing = new List<string>();
        return (McpEnvironmentExpander.Expand(text, n => Vars.GetValueOrDefault(n), missing), missing);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("${HOME}/x", "/home/u/x")]
    [InlineData("a${N1}b${N1}c", "aonebonec")]
    [InlineData("${UNSET:-fallback}", "fallback")]
    [InlineData("${UNSET:-}", "")]
    [InlineData("${HOME:-ignored}", "/home/u")]
    [InlineData("${EMPTY:-used}", "used")]
    [InlineData("${EMPTY}", "")]
    [InlineData("${UNSET:-a:-b}", "a:-b")]
    [InlineData("$HOME and ${", "$HOME and ${")]
    [InlineData("${not a name}", "${not a name}")]
    [InlineData("${1ABC}", "${1ABC}")]
    public void Expand_ReplacesSetVariablesAndDefaults(string input, string expected)
    {
        var (text, missing) = Expand(input);

        Assert.Equal(expected, text);
        Assert.Empty(missing);
    }

    [Fact]
    public void Expand_UnsetWithoutDefault_IsReportedOnceAndLeftAsWritten()
    {
        var (text, missing) = Expand("${NOPE}-${NOPE}-${ALSO}");

        Assert.Equal("${NOPE}-${NOPE}-${ALSO}", text);
        Assert.Equal(["NOPE", "ALSO"], missing);
    }
}
