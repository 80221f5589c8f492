using System.Text.Json;
using CodeForge.Mcp.Client;
using ModelContextProtocol.Protocol;

namespace CodeForge.Mcp.Tests.Client;

public sealed class McpResultFormatterTests
{
    [Fact]
    public void Format_JoinsTextAndDescribesOtherBlocks()
    {
        var result = McpResultFormatter.Format(new CallToolResult
        {
            Content =
            [
                new TextContentBlock { Text = "first" },
                ImageContentBlock.FromBytes(new byte[] { 1, 2, 3 }, "image/png"),
                new TextContentBlock { Text = "second" },
            ],
        }, 1000);

        Assert.True(result.Success);
        var lines = result.Output.Split('\n');
        Assert.Equal("first", lines[0]);
        Assert.StartsWith("[image: image/png", lines[1], StringComparison.Ordinal);
        Assert.Equal("second", lines[2]);
        Assert.Equal(1, result.Metadata["mcp_images"]);
    }

    [Fact]
    public void Format_IsError_GivesAFailureWithTheServersText()
    {
        var result = McpResultFormatter.Format(new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = "no such file" }] }, 1000);

        Assert.False(result.Success);
        Assert.Equal("no such file", result.Error);
    }

    [Fact]
    public void Format_IsErrorWithoutText_StillExplains()
    {
        var result = McpResultFormatter.Format(new CallToolResult { IsError = true, Content = [] }, 1000);

        Assert.False(result.Success);
        Assert.Contains("without a message", result.Error);
    }

    [Fact]
    public void Format_OnlyStructuredContent_IsShownAsJson()
    {
        var result = McpResultFormatter.Format(new CallToolResult { Content = [], StructuredContent = JsonElement.Parse("""{"sum":3}""") }, 1000);

        Assert.Equal("""{"sum":3}""", result.Output);
    }

    [Fact]
    public void Truncate_UnderTheBudget_IsUnchanged_AndOverIt_KeepsThePrefixAndSaysWhatWasDropped()
    {
        Assert.Equal("short", McpResultFormatter.Truncate("short", 10));

        var cut = McpResultFormatter.Truncate(new string('a', 100), 10);

        Assert.StartsWith(new string('a', 40) + "\n\n[MCP output truncated: 60 of 100 characters dropped", cut, StringComparison.Ordinal);
        Assert.Contains("MAX_MCP_OUTPUT_TOKENS", cut);
    }

    [Fact]
    public void Truncate_NeverSplitsASurrogatePair()
    {
        var text = new string('a', 39) + "😀" + "tail";

        var cut = McpResultFormatter.Truncate(text, 10);

        Assert.StartsWith(new string('a', 39) + "\n\n", cut, StringComparison.Ordinal);
    }
}
