using CodeForge.Core.Tools.BuiltIn;
using static CodeForge.Core.Tests.Tools.BuiltIn.FileToolHarness;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class GlobToolTests : IDisposable
{
    private readonly FileToolHarness _h = new();

    public void Dispose() => _h.Dispose();

    private void Touch(string relative, int minutesAgo)
    {
        var path = _h.WriteFile(relative, relative);
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc).AddMinutes(-minutesAgo));
    }

    private async Task<string[]> GlobAsync(string pattern, string? path = null)
    {
        var result = await _h.RunAsync("Glob", path is null ? Args(("pattern", pattern)) : Args(("pattern", pattern), ("path", path)));
        Assert.True(result.Success, result.Error);
        return result.Output == "No files found" ? [] : result.Output.Split('\n');
    }

    private string[] Paths(params string[] relative) => [.. relative.Select(_h.PathOf)];

    [Fact]
    public async Task Glob_WithDoubleStar_FindsFilesAtEveryDepthNewestFirst()
    {
        Touch("a.cs", 30);
        Touch("src/b.cs", 10);
        Touch("src/deep/c.cs", 20);
        Touch("src/readme.md", 1);

        Assert.Equal(Paths("src/b.cs", "src/deep/c.cs", "a.cs"), await GlobAsync("**/*.cs"));
    }

    [Fact]
    public async Task Glob_WithoutSlash_MatchesOnlyTheTopLevel()
    {
        Touch("a.json", 1);
        Touch("sub/b.json", 2);

        Assert.Equal(Paths("a.json"), await GlobAsync("*.json"));
    }

    [Fact]
    public async Task Glob_WithBracesAndADirectoryPrefix_MatchesEachAlternative()
    {
        Touch("src/a.ts", 1);
        Touch("src/b.tsx", 2);
        Touch("src/c.js", 3);
        Touch("test/d.ts", 4);

        Assert.Equal(Paths("src/a.ts", "src/b.tsx"), await GlobAsync("src/**/*.{ts,tsx}"));
    }

    [Fact]
    public async Task Glob_WithAPath_SearchesBelowIt()
    {
        Touch("one/x.txt", 1);
        Touch("two/y.txt", 2);

        Assert.Equal(Paths("two/y.txt"), await GlobAsync("*.txt", _h.PathOf("two")));
    }

    [Fact]
    public async Task Glob_WithAnAbsolutePattern_UsesItsDirectory()
    {
        Touch("lib/a.py", 1);
        Touch("b.py", 2);

        Assert.Equal(Paths("lib/a.py"), await GlobAsync(_h.PathOf("lib") + "/*.py"));
    }

    [Fact]
    public async Task Glob_RespectsGitignoreAndSkipsDotGit()
    {
        Directory.CreateDirectory(_h.PathOf(".git"));
        _h.WriteFile(".git/config", "x");
        _h.WriteFile(".gitignore", "bin/\n*.log\n!keep.log\n");
        Touch("bin/out.txt", 1);
        Touch("app.log", 2);
        Touch("keep.log", 3);
        Touch("src/main.txt", 4);

        var all = await GlobAsync("**/*");

        Assert.Equal(Paths("keep.log", "src/main.txt", ".gitignore").Order(), all.Order());
    }

    [Fact]
    public async Task Glob_WhenIgnoreFilesAreDisabled_ListsIgnoredFiles()
    {
        using var h = new FileToolHarness(new FileToolOptions { GlobRespectsIgnoreFiles = false });
        Directory.CreateDirectory(h.PathOf(".git"));
        h.WriteFile(".gitignore", "*.log\n");
        h.WriteFile("app.log", "x");

        var result = await h.RunAsync("Glob", Args(("pattern", "*.log")));

        Assert.Equal(h.PathOf("app.log"), result.Output);
    }

    [Fact]
    public async Task Glob_CapsTheResultsWithANote()
    {
        using var h = new FileToolHarness(new FileToolOptions { GlobMaxResults = 3 });
        for (var i = 0; i < 5; i++)
        {
            h.WriteFile($"f{i}.txt", "x");
        }

        var result = await h.RunAsync("Glob", Args(("pattern", "*.txt")));

        Assert.Equal(4, result.Output.Split('\n').Length);
        Assert.Contains("showing the 3 most recently modified of 5", result.Output, StringComparison.Ordinal);
        Assert.Equal(true, result.Metadata["truncated"]);
    }

    [Fact]
    public async Task Glob_DoesNotFollowLinksOutOfTheAllowedDirectories()
    {
        Touch("inside.conf", 1);
        File.CreateSymbolicLink(_h.PathOf("etc-link"), "/etc");
        File.CreateSymbolicLink(_h.PathOf("hostname-link.conf"), "/etc/hostname");

        Assert.Equal(Paths("inside.conf"), await GlobAsync("**/*.conf"));
    }

    [Fact]
    public async Task Glob_ListsALinkedFileWhoseTargetIsInside()
    {
        Touch("real.md", 1);
        File.CreateSymbolicLink(_h.PathOf("alias.md"), _h.PathOf("real.md"));

        Assert.Equal(Paths("alias.md", "real.md").Order(), (await GlobAsync("*.md")).Order());
    }

    [Fact]
    public async Task Glob_OutsideTheAllowedDirectories_IsRefused()
    {
        var result = await _h.RunAsync("Glob", Args(("pattern", "*"), ("path", "/etc")));
        var absolute = await _h.RunAsync("Glob", Args(("pattern", "/etc/*.conf")));

        Assert.False(result.Success);
        Assert.Contains("outside the allowed directories", result.Error, StringComparison.Ordinal);
        Assert.False(absolute.Success);
    }

    [Fact]
    public async Task Glob_WithDotDot_IsRefused()
    {
        var result = await _h.RunAsync("Glob", Args(("pattern", "../**/*")));

        Assert.False(result.Success);
        Assert.Contains("'..'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Glob_WithNoMatch_SaysNoFilesFound()
    {
        var result = await _h.RunAsync("Glob", Args(("pattern", "*.nothing")));

        Assert.Equal("No files found", result.Output);
    }

    [Fact]
    public async Task Glob_OnAFileOrMissingDirectory_FailsClearly()
    {
        var file = _h.WriteFile("f.txt", "x");

        var onFile = await _h.RunAsync("Glob", Args(("pattern", "*"), ("path", file)));
        var missing = await _h.RunAsync("Glob", Args(("pattern", "*"), ("path", _h.PathOf("none"))));
        var relative = await _h.RunAsync("Glob", Args(("pattern", "*"), ("path", "src")));

        Assert.Contains("is a file", onFile.Error, StringComparison.Ordinal);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);
        Assert.Contains("must be an absolute path", relative.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Glob_WithoutAPattern_FailsInValidation()
    {
        var result = await _h.RunAsync("Glob", "{\"path\": \"/tmp\"}");

        Assert.False(result.Success);
        Assert.Contains("'pattern' is required", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Glob_WhenCapped_ShowsTheNewestFilesAndSaysHowManyThereWere()
    {
        using var h = new FileToolHarness(new FileToolOptions { GlobMaxResults = 2 });
        var paths = Enumerable.Range(0, 4).Select(i => h.WriteFile($"f{i}.txt", "x")).ToList();
        for (var i = 0; i < paths.Count; i++)
        {
            File.SetLastWriteTimeUtc(paths[i], new DateTime(2026, 1, 1, 12, i, 0, DateTimeKind.Utc));
        }

        var result = await h.RunAsync("Glob", Args(("pattern", "*.txt")));

        Assert.Equal($"{paths[3]}\n{paths[2]}\n(Results are truncated: showing the 2 most recently modified of 4 files. "
            + "Use a more specific path or pattern.)", result.Output);
        Assert.Equal(4, result.Metadata["count"]);
    }

    [Fact]
    public async Task Glob_ExactlyAtTheCap_IsNotTruncated()
    {
        using var h = new FileToolHarness(new FileToolOptions { GlobMaxResults = 2 });
        h.WriteFile("a.txt", "x");
        h.WriteFile("b.txt", "x");

        var result = await h.RunAsync("Glob", Args(("pattern", "*.txt")));

        Assert.Equal(2, result.Output.Split('\n').Length);
        Assert.Equal(false, result.Metadata["truncated"]);
    }

    [Fact]
    public async Task Glob_AnAbsolutePatternWithoutWildcards_ListsThatFileIfItExists()
    {
        var file = _h.WriteFile("lib/a.py", "x");

        var found = await _h.RunAsync("Glob", Args(("pattern", file)));
        var missing = await _h.RunAsync("Glob", Args(("pattern", _h.PathOf("lib/b.py"))));
        var directory = await _h.RunAsync("Glob", Args(("pattern", _h.PathOf("lib"))));
        var outside = await _h.RunAsync("Glob", Args(("pattern", "/etc/hostname")));

        Assert.Equal((true, file, 1), (found.Success, found.Output, found.Metadata["count"]));
        Assert.Equal((true, "No files found", 0), (missing.Success, missing.Output, missing.Metadata["count"]));
        Assert.Equal("No files found", directory.Output);
        Assert.False(outside.Success);
        Assert.StartsWith("'/etc/hostname' is outside the allowed directories", outside.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Glob_APatternStartingWithDotSlash_IsRelativeToThePath()
    {
        Touch("src/a.cs", 1);
        Touch("b.cs", 2);

        Assert.Equal(Paths("src/a.cs"), await GlobAsync("./src/*.cs"));
    }

    [Fact]
    public async Task Glob_AQuestionMarkOrBracketSegmentInAnAbsolutePattern_StartsThePattern()
    {
        Touch("v1/x.txt", 1);
        Touch("v2/x.txt", 2);
        Touch("va/x.txt", 3);

        Assert.Equal(Paths("v1/x.txt", "v2/x.txt"), await GlobAsync(_h.Root + "/v[0-9]/x.txt"));
        Assert.Equal(Paths("v1/x.txt", "v2/x.txt", "va/x.txt"), await GlobAsync(_h.Root + "/v?/x.txt"));
    }
}
