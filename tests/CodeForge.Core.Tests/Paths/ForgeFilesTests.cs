using CodeForge.Core.Paths;

namespace CodeForge.Core.Tests.Paths;

public sealed class ForgeFilesTests
{
    [Theory]
    [InlineData(".forge", true)]
    [InlineData(".claude", true)]
    [InlineData(".Forge", false)]
    [InlineData("forge", false)]
    [InlineData(null, false)]
    public void IsConfigDirectory_NamesExactlyTheTwoFolders(string? name, bool expected) =>
        Assert.Equal(expected, ForgeFiles.IsConfigDirectory(name));

    [Fact]
    public void InUserDirectory_JoinsThePartsUnderHomeDotForge() =>
        Assert.Equal("/home/me/.forge/cache/web", ForgeFiles.InUserDirectory("/home/me", "cache", "web"));
}
