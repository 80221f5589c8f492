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
}
