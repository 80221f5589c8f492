using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Tools;

public sealed class ToolContextTests
{
    [Fact]
    public void New_HasTheOriginalsDefaults()
    {
        var context = new ToolContext("/tmp");

        Assert.Equal("/tmp", context.WorkingDirectory);
        Assert.Equal(TimeSpan.FromSeconds(120), context.Timeout);
        Assert.Equal(100_000, context.MaxOutputSize);
        Assert.Null(context.SessionId);
    }

    [Fact]
    public void New_WithARelativeDirectory_MakesItAbsolute()
    {
        var context = new ToolContext("sub");

        Assert.True(Path.IsPathFullyQualified(context.WorkingDirectory));
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "sub"), context.WorkingDirectory);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void New_WithoutADirectory_Throws(string? directory)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ToolContext(directory!));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Timeout_WhenNotPositive_ThrowsNamingIt(int seconds)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ToolContext("/tmp") { Timeout = TimeSpan.FromSeconds(seconds) });

        Assert.Equal("Timeout", ex.ParamName);
    }

    [Fact]
    public void Timeout_MayBeInfinite()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, new ToolContext("/tmp") { Timeout = Timeout.InfiniteTimeSpan }.Timeout);
    }

    [Fact]
    public void MaxOutputSize_WhenNotPositive_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ToolContext("/tmp") { MaxOutputSize = 0 });

        Assert.Equal("MaxOutputSize", ex.ParamName);
    }

    [Fact]
    public void With_CopiesAndKeepsTheDirectory()
    {
        var context = new ToolContext("/tmp") { SessionId = "s1" };

        var shorter = context with { Timeout = TimeSpan.FromSeconds(5) };

        Assert.Equal("/tmp", shorter.WorkingDirectory);
        Assert.Equal("s1", shorter.SessionId);
        Assert.Equal(TimeSpan.FromSeconds(120), context.Timeout);
    }

    [Fact]
    public void AdditionalDirectories_AreEmptyByDefaultAndNormalised()
    {
        var context = new ToolContext("/work") { AdditionalDirectories = ["/data/../shared/", "/opt"] };

        Assert.Empty(new ToolContext("/work").AdditionalDirectories);
        Assert.Equal(["/shared/", "/opt"], context.AdditionalDirectories);
        Assert.Equal(["/work", "/shared/", "/opt"], context.AllowedDirectories);
    }

    [Fact]
    public void AdditionalDirectories_WhenRelative_ThrowNamingTheProperty()
    {
        var error = Assert.Throws<ArgumentException>(() => new ToolContext("/work") { AdditionalDirectories = ["relative/dir"] });

        Assert.Equal("AdditionalDirectories", error.ParamName);
    }
}
