using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>The ripgrep command line each Grep option becomes (what ripgrep is asked, whichever ripgrep is installed).</summary>
public sealed class RipgrepEngineTests
{
    private static GrepQuery Query(bool ignoreCase = false, bool multiline = false, int before = 0, int after = 0, IReadOnlyList<string>? globs = null,
        IReadOnlyList<string>? types = null, bool respectIgnore = true, bool wantLines = false, bool firstMatchOnly = false, bool rootIsFile = false) =>
        new("/w/src", rootIsFile, "fo+", ignoreCase, multiline, before, after, globs ?? [], types, respectIgnore, wantLines, firstMatchOnly);

    [Fact]
    public void Arguments_ForFilesWithMatches_ListPathsOnlyNulSeparated()
    {
        Assert.Equal(["--files-with-matches", "--null", "--hidden", "--no-config", "--no-ignore-global", "--glob", "!.git", "--regexp", "fo+", "--", "."],
            RipgrepEngine.Arguments(Query(firstMatchOnly: true)));
    }

    [Fact]
    public void Arguments_ForContentOrCount_AskForJson()
    {
        Assert.Equal(["--json", "--hidden", "--no-config", "--no-ignore-global", "--glob", "!.git", "--regexp", "fo+", "--", "."],
            RipgrepEngine.Arguments(Query()));
        Assert.Equal("--json", RipgrepEngine.Arguments(Query(firstMatchOnly: true, wantLines: true))[0]);
    }

    [Fact]
    public void Arguments_CarryEachOptionInOrder()
    {
        var args = RipgrepEngine.Arguments(Query(ignoreCase: true, multiline: true, before: 2, after: 3, globs: ["*.cs", "!bin/**"],
            types: ["*.py", "*.pyi"], respectIgnore: false, wantLines: true, rootIsFile: true));

        Assert.Equal(
            ["--json", "--hidden", "--no-config", "--no-ignore-global", "--no-ignore", "--ignore-case", "--multiline", "--multiline-dotall",
             "--before-context=2", "--after-context=3", "--type-add=forgetype:*.py", "--type-add=forgetype:*.pyi", "--type=forgetype",
             "--glob", "*.cs", "--glob", "!bin/**", "--glob", "!.git", "--regexp", "fo+", "--", "/w/src"],
            args);
    }

    [Fact]
    public void Arguments_AskForContextOnlyWhenLinesAreWanted()
    {
        var args = RipgrepEngine.Arguments(Query(before: 2, after: 3));

        Assert.DoesNotContain(args, a => a.StartsWith("--before-context", StringComparison.Ordinal) || a.StartsWith("--after-context", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_ListsFilesWithMatchesAndDropsOnesWithANulPastTheFirstBlock()
    {
        if (RipgrepEngine.Find() is not { } rg)
        {
            Assert.Skip("ripgrep (rg) is not installed: apt-get install ripgrep");
            return;
        }
        var root = Directory.CreateTempSubdirectory("forge-rg-").FullName;
        try
        {
            var ct = TestContext.Current.CancellationToken;
            await File.WriteAllTextAsync(Path.Join(root, "a.txt"), "foo\n", ct);
            await File.WriteAllTextAsync(Path.Join(root, "b.txt"), "no match\n", ct);
            Directory.CreateDirectory(Path.Join(root, "sub dir"));
            await File.WriteAllTextAsync(Path.Join(root, "sub dir", "c.txt"), "fooo\n", ct);
            // A match in the first block and a NUL far past it: ripgrep -l lists it, the JSON mode and the managed engine
            // call it binary, so the listing drops it too.
            await File.WriteAllBytesAsync(Path.Join(root, "late-nul.txt"), (byte[])[.. "foo\n"u8, .. Enumerable.Repeat((byte)'x', 100_000), 0], ct);
            // Just at the size ripgrep is sure to have checked: kept.
            await File.WriteAllBytesAsync(Path.Join(root, "small.txt"), (byte[])[.. "foo\n"u8, .. Enumerable.Repeat((byte)'y', 32 * 1024 - 4)], ct);
            var query = new GrepQuery(root, false, "fo+", false, false, 0, 0, [], null, true, WantLines: false, FirstMatchOnly: true);

            var outcome = await new RipgrepEngine(rg).SearchAsync(query, ct);

            Assert.Null(outcome.Error);
            Assert.Equal([Path.Join(root, "a.txt"), Path.Join(root, "small.txt"), Path.Join(root, "sub dir", "c.txt")],
                outcome.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
