using CodeForge.Core.Sessions;

namespace CodeForge.Core.Tests.Sessions;

public sealed class SessionPathsTests
{
    [Fact]
    public void ProjectKey_ReplacesEveryCharacterThatIsNotAnAsciiLetterOrDigitWithADash()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix paths");

        Assert.Equal("-home-me-my-app-v2-caf-", SessionPaths.ProjectKey("/home/me/my.app_v2/café/"));
    }

    [Fact]
    public void ProjectKey_OfAVeryLongPath_IsCutAndEndsWithAHashOfTheFullPath()
    {
        var a = Path.Combine(Path.GetTempPath(), new string('a', 300), "x");
        var b = Path.Combine(Path.GetTempPath(), new string('a', 300), "y");

        var keyA = SessionPaths.ProjectKey(a);

        Assert.Equal(200, keyA.Length);
        Assert.NotEqual(keyA, SessionPaths.ProjectKey(b));
        Assert.Equal(keyA, SessionPaths.ProjectKey(a));
    }

    [Fact]
    public void TranscriptPath_IsTheIdDotJsonlInTheProjectFolder()
    {
        var project = Path.Combine(Path.GetTempPath(), "p");

        Assert.Equal(
            Path.Combine(project, "0f8fad5b-d9cb-469f-a165-70867728950e.jsonl"),
            SessionPaths.TranscriptPath(project, "0F8FAD5B-D9CB-469F-A165-70867728950E"));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("../0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("{0f8fad5b-d9cb-469f-a165-70867728950e}")]
    [InlineData(" 0f8fad5b-d9cb-469f-a165-70867728950e")]
    public void NormalizeSessionId_WhenNotACanonicalUuid_ThrowsNamingIt(string id)
    {
        var ex = Assert.Throws<ArgumentException>(() => SessionPaths.NormalizeSessionId(id));

        Assert.Contains($"'{id}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("sessionId", ex.ParamName);
        Assert.False(SessionPaths.IsValidSessionId(id));
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void CreatePrivateDirectory_WhenParentsAreMissing_MakesEachOfThemOwnerOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        var root = Directory.CreateTempSubdirectory("forge-private-");
        try
        {
            var project = Path.Combine(root.FullName, "projects", "-home-me-app");
            var locks = Path.Combine(project, ".locks");

            SessionPaths.CreatePrivateDirectory(locks);

            Assert.Equal(OwnerOnly, File.GetUnixFileMode(locks));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(project));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(root.FullName, "projects")));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void CreatePrivateDirectory_LeavesTheModeOfAnExistingParentAlone()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        var root = Directory.CreateTempSubdirectory("forge-private-");
        try
        {
            var shared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
            File.SetUnixFileMode(root.FullName, shared);

            SessionPaths.CreatePrivateDirectory(Path.Combine(root.FullName, "child"));

            Assert.Equal(shared, File.GetUnixFileMode(root.FullName));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(root.FullName, "child")));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
