using CodeForge.Core.Shells;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class BashToolOptionsTests
{
    private static string UserDirectory()
    {
        var user = string.Concat(Environment.UserName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        return Path.Combine(Path.GetTempPath(), "forge-" + (user.Length > 0 ? user : "user"));
    }

    [Theory]
    [InlineData("abc-123_x", "abc-123_x")]
    [InlineData("../../etc", "etc")]
    [InlineData("a b/c", "abc")]
    [InlineData("../", "no-session")]
    [InlineData("", "no-session")]
    [InlineData(null, "no-session")]
    public void DefaultOutputDirectory_IsAPerSessionFolderWithOnlySafeCharactersInItsName(string? sessionId, string folder)
    {
        Assert.Equal(Path.Combine(UserDirectory(), folder), BashToolOptions.DefaultOutputDirectory(sessionId));
    }

    [Fact]
    public void Defaults_AreTheRealLauncherUnsandboxedWith30000Characters()
    {
        var options = BashToolOptions.Default;

        Assert.Same(SystemProcessLauncher.Instance, options.Launcher);
        Assert.False(options.Sandboxed);
        Assert.Null(options.SandboxDecision);
        Assert.Equal(30_000, options.MaxOutputChars);
        Assert.Null(options.OutputDirectory);
        Assert.Empty(options.Environment);
    }

    [Fact]
    public void MaxOutputChars_BelowOneHundred_IsRefused()
    {
        Assert.Equal(100, (BashToolOptions.Default with { MaxOutputChars = 100 }).MaxOutputChars);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => BashToolOptions.Default with { MaxOutputChars = 99 });
        Assert.Equal("MaxOutputChars", ex.ParamName);
    }
}
