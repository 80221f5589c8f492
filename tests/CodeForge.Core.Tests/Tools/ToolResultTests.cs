using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Tools;

public sealed class ToolResultTests
{
    [Fact]
    public void Ok_IsASuccessWithOutputAndNoError()
    {
        var result = ToolResult.Ok("done", new Dictionary<string, object?> { ["lines_read"] = 3 });

        Assert.True(result.Success);
        Assert.Equal("done", result.Output);
        Assert.Null(result.Error);
        Assert.Equal(3, result.Metadata["lines_read"]);
        Assert.Equal("done", result.ToDisplay());
    }

    [Fact]
    public void Fail_IsAFailureWithErrorAndEmptyOutput()
    {
        var result = ToolResult.Fail("file not found");

        Assert.False(result.Success);
        Assert.Equal("", result.Output);
        Assert.Equal("file not found", result.Error);
        Assert.Equal("Error: file not found", result.ToDisplay());
    }

    [Fact]
    public void Metadata_IsNeverNull()
    {
        Assert.Empty(ToolResult.Ok("x").Metadata);
        Assert.Empty(ToolResult.Fail("x").Metadata);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Fail_WithoutAReason_Throws(string? error)
    {
        Assert.ThrowsAny<ArgumentException>(() => ToolResult.Fail(error!));
    }

    [Fact]
    public void Ok_WithNullOutput_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ToolResult.Ok(null!));
    }

    [Fact]
    public void With_Duration_CopiesAndKeepsTheRest()
    {
        var original = ToolResult.Ok("x");

        var timed = original with { Duration = TimeSpan.FromSeconds(2) };

        Assert.Equal(TimeSpan.Zero, original.Duration);
        Assert.Equal(TimeSpan.FromSeconds(2), timed.Duration);
        Assert.True(timed.Success);
        Assert.Equal("x", timed.Output);
    }
}
