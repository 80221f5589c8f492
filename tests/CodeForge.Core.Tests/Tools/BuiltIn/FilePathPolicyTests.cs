using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>
/// The path rules every file tool applies: each refusal names the argument, the path and why, and says what to do instead.
/// </summary>
public sealed class FilePathPolicyTests : IDisposable
{
    private readonly string _root = FilePathPolicy.RealPath(Directory.CreateTempSubdirectory("forge-pathpolicy-").FullName);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ToolContext Context => new(_root);

    private string In(string relative) => Path.Join(_root, relative);

    private (bool Ok, string Resolved, string Error) Resolve(string? path, FileAccessKind kind = FileAccessKind.Read, ToolContext? context = null)
    {
        var ok = FilePathPolicy.TryResolve(path, "file_path", context ?? Context, kind, out var resolved, out var error);
        return (ok, resolved, error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void TryResolve_NoPath_SaysTheArgumentIsRequired(string? path)
    {
        Assert.Equal((false, "", "'file_path' is required: give an absolute path."), Resolve(path));
    }

    [Fact]
    public void TryResolve_APathWithANulCharacter_IsRefused()
    {
        Assert.Equal((false, "", "'file_path' contains a NUL character, which no file name can contain."), Resolve(In("a\0b")));
    }

    [Fact]
    public void TryResolve_ARelativePath_SuggestsTheAbsolutePathItMayHaveMeant()
    {
        Assert.Equal((false, "", $"'file_path' must be an absolute path, got 'src/a.cs'. Relative paths are not accepted; the working "
            + $"directory is {_root}, so you may have meant '{_root}/src/a.cs'."), Resolve("src/a.cs"));
    }

    [Fact]
    public void TryResolve_APathInsideTheWorkingDirectory_IsResolvedWithDotsAndTrailingSlashRemoved()
    {
        Directory.CreateDirectory(In("src"));

        Assert.Equal((true, In("src/a.cs"), ""), Resolve(_root + "/x/../src/./a.cs"));
        Assert.Equal((true, In("src"), ""), Resolve(In("src/")));
        Assert.Equal((true, _root, ""), Resolve(_root, FileAccessKind.Write));
    }

    [Fact]
    public void TryResolve_APathOutside_NamesTheAllowedDirectories()
    {
        var other = Directory.CreateTempSubdirectory("forge-pathpolicy-other-").FullName;
        try
        {
            var context = Context with { AdditionalDirectories = [other, _root] };

            var (ok, _, error) = Resolve("/etc/hostname", context: context);

            Assert.False(ok);
            Assert.Equal($"'/etc/hostname' is outside the allowed directories ({_root}, {FilePathPolicy.RealPath(other)}). "
                + "File tools only reach the working directory and the additional directories of this session.", error);
        }
        finally
        {
            Directory.Delete(other);
        }
    }

    [Fact]
    public void TryResolve_ASiblingWhoseNameStartsLikeTheRoot_IsOutside()
    {
        var (ok, _, error) = Resolve(_root + "-evil/a.txt");

        Assert.False(ok);
        Assert.StartsWith($"'{_root}-evil/a.txt' is outside the allowed directories", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_ASymlinkLeadingOutside_SaysWhereItResolves()
    {
        File.CreateSymbolicLink(In("out"), "/etc");

        var (ok, _, error) = Resolve(In("out/hostname"));

        Assert.False(ok);
        Assert.StartsWith($"'{In("out/hostname")}' (it resolves to /etc/hostname) is outside the allowed directories ({_root}).", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryResolve_ASymlinkCycle_IsRefusedNamingTheLink()
    {
        File.CreateSymbolicLink(In("a"), In("b"));
        File.CreateSymbolicLink(In("b"), In("a"));

        // A watchdog, not a wait: a resolver that followed the cycle forever fails here instead of hanging the run.
        var (ok, _, error) = await Task.Run(() => Resolve(In("a/file")), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.False(ok);
        Assert.StartsWith($"Cannot resolve '{In("a/file")}': Too many levels of symbolic links at '", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".git/config")]
    [InlineData(".git")]
    [InlineData("sub/.git/hooks/pre-commit")]
    public void TryResolve_AWriteIntoGitInternals_IsRefusedButAReadIsAllowed(string relative)
    {
        var (ok, _, error) = Resolve(In(relative), FileAccessKind.Write);

        Assert.False(ok);
        Assert.Equal($"Refusing to write '{In(relative)}': it is inside a .git directory, whose internals only git itself should change "
            + "(use git through Bash). Reading it is allowed.", error);
        Assert.True(Resolve(In(relative)).Ok);
    }

    [Theory]
    [InlineData(".forge", "settings.json")]
    [InlineData(".forge", "settings.local.json")]
    [InlineData(".claude", "settings.json")]
    [InlineData(".claude", "settings-old.json")]
    public void TryResolve_AWriteToAnAgentSettingsFile_IsRefusedNamingIt(string directory, string name)
    {
        var path = In($"pkg/{directory}/{name}");

        var (ok, _, error) = Resolve(path, FileAccessKind.Write);

        Assert.False(ok);
        Assert.Equal($"Refusing to write '{path}': it is an agent settings file ({directory}/{name}), which could change the agent's "
            + "own permissions; ask the user to edit it. Reading it is allowed.", error);
        Assert.True(Resolve(path).Ok);
    }

    [Theory]
    [InlineData(".forge/agents.json")]
    [InlineData(".forge/settings.json.bak")]
    [InlineData(".forge/mysettings.json")]
    [InlineData("forge/settings.json")]
    [InlineData("settings.json")]
    [InlineData(".github/workflow.yml")]
    [InlineData(".gitignore")]
    [InlineData(".forge/settings.json/inner.txt")]
    public void TryResolve_AWriteToAnOrdinaryFile_IsAllowed(string relative)
    {
        Assert.Equal((true, In(relative), ""), Resolve(In(relative), FileAccessKind.Write));
    }

    [Fact]
    public void AllowedRoots_ResolvesEachDirectoryAndDropsDuplicates()
    {
        Directory.CreateDirectory(In("extra"));
        File.CreateSymbolicLink(In("alias"), _root);
        var context = Context with { AdditionalDirectories = [_root + "/", In("alias"), In("extra"), In("extra/../extra")] };

        Assert.Equal([_root, In("extra")], FilePathPolicy.AllowedRoots(context));
    }

    [Theory]
    [InlineData("/a/b", "/a/b", true)]
    [InlineData("/a/b/c", "/a/b", true)]
    [InlineData("/a/bc", "/a/b", false)]
    [InlineData("/a", "/a/b", false)]
    [InlineData("/a/b/c", "/", true)]
    [InlineData("/a/c", "/a/b", false)]
    public void IsAtOrBelow_ComparesWholePathSegments(string path, string root, bool expected)
    {
        Assert.Equal(expected, FilePathPolicy.IsAtOrBelow(path, root));
    }

    [Fact]
    public void RealPath_ResolvesRelativeLinksAndKeepsAMissingTail()
    {
        Directory.CreateDirectory(In("real/deep"));
        File.CreateSymbolicLink(In("rel"), "real/deep");
        File.CreateSymbolicLink(In("real/up"), "..");

        Assert.Equal(In("real/deep/missing/x"), FilePathPolicy.RealPath(In("rel/missing/x")));
        Assert.Equal(In("real/deep"), FilePathPolicy.RealPath(In("real/up/real/deep")));
        Assert.Equal("/", FilePathPolicy.RealPath("/"));
    }

    [Fact]
    public void NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => FilePathPolicy.TryResolve("/a", "p", null!, FileAccessKind.Read, out _, out _));
        Assert.Throws<ArgumentNullException>(() => FilePathPolicy.AllowedRoots(null!));
        Assert.Throws<ArgumentNullException>(() => FilePathPolicy.IsAtOrBelow(null!, "/"));
        Assert.Throws<ArgumentNullException>(() => FilePathPolicy.IsAtOrBelow("/", null!));
        Assert.Throws<ArgumentNullException>(() => FilePathPolicy.RealPath(null!));
    }
}
