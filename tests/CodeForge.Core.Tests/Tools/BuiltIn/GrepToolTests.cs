using System.Text;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;
using static CodeForge.Core.Tests.Tools.BuiltIn.FileToolHarness;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class GrepToolTests : IDisposable
{
    private readonly FileToolHarness _managed = new(new FileToolOptions { GrepEngine = GrepEngineKind.Managed });

    public GrepToolTests() => BuildFixture(_managed);

    public void Dispose() => _managed.Dispose();

    /// <summary>A small git work tree exercising ignore files, hidden files, binaries, encodings, line endings and context.</summary>
    private static void BuildFixture(FileToolHarness h)
    {
        Directory.CreateDirectory(h.PathOf(".git"));
        h.WriteFile(".git/config", "TODO inside git\n");
        h.WriteFile(".gitignore", "ignored/\n*.tmp\n!keep.tmp\n");
        h.WriteFile("src/a.cs", "namespace A;\n// TODO: first\nclass Foo { }\n\n// todo: lower\nclass FooBar { }\n");
        h.WriteFile("src/b.py", "def f():\n    # TODO python\n    return 1\n");
        h.WriteFile("src/sub/c.cs", "line 1\nline 2\nTODO in c\nline 4\nline 5\nline 6\nTODO again\n");
        h.WriteFile("src/sub/.gitignore", "generated.cs\n");
        h.WriteFile("src/sub/generated.cs", "TODO generated\n");
        h.WriteFile("docs/readme.md", "# Readme\nTODO docs\n");
        h.WriteFile("docs/.ignore", "draft.md\n");
        h.WriteFile("docs/draft.md", "TODO draft\n");
        h.WriteFile("ignored/x.cs", "TODO ignored\n");
        h.WriteFile("notes.tmp", "TODO tmp\n");
        h.WriteFile("keep.tmp", "TODO keep\n");
        h.WriteFile(".hidden/h.txt", "TODO hidden\n");
        h.WriteBytes("bin.dat", [.. "TODO binary\n"u8, 0, 1, 2]);
        h.WriteBytes("late-nul.txt", [.. "TODO late\n"u8, .. Enumerable.Repeat((byte)'a', 100_000), (byte)'\n', 0]);
        h.WriteFile("crlf.txt", "first\r\nTODO crlf\r\nlast\r\n");
        h.WriteBytes("bom.txt", [0xEF, 0xBB, 0xBF, .. "TODO bom\n"u8]);
        h.WriteBytes("u16.txt", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("wide\nTODO utf16\n")]);
        h.WriteBytes("invalid.txt", [.. "TODO "u8, 0xFF, 0xFE, .. " bad\n"u8]);
        h.WriteFile("multi.txt", "start\nmiddle\nend\nstart again\n");
        h.WriteFile("noeol.txt", "TODO no newline");
        h.WriteFile("empty.txt", "");
        var time = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var file in Directory.EnumerateFiles(h.Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            time = time.AddMinutes(1);
            File.SetLastWriteTimeUtc(file, time);
        }
    }

    private static string? Ripgrep() => RipgrepEngine.Find();

    public static TheoryData<string> Queries() =>
    [
        "{\"pattern\": \"TODO\"}",
        "{\"pattern\": \"TODO\", \"output_mode\": \"content\"}",
        "{\"pattern\": \"TODO\", \"output_mode\": \"count\"}",
        "{\"pattern\": \"todo\", \"-i\": true, \"output_mode\": \"content\"}",
        "{\"pattern\": \"TODO\", \"glob\": \"*.cs\", \"output_mode\": \"content\"}",
        "{\"pattern\": \"TODO\", \"glob\": \"!*.cs\"}",
        "{\"pattern\": \"TODO\", \"glob\": \"src/*.cs\"}",
        "{\"pattern\": \"TODO\", \"glob\": \"**/*.{md,py}\", \"output_mode\": \"count\"}",
        "{\"pattern\": \"TODO\", \"type\": \"py\", \"output_mode\": \"content\"}",
        "{\"pattern\": \"TODO\", \"type\": \"cs\", \"glob\": \"*.md\"}",
        "{\"pattern\": \"TODO\", \"output_mode\": \"content\", \"-C\": 1}",
        "{\"pattern\": \"TODO\", \"output_mode\": \"content\", \"-A\": 2, \"-B\": 1}",
        "{\"pattern\": \"TODO\", \"output_mode\": \"content\", \"-n\": false}",
        "{\"pattern\": \"start.*?end\", \"multiline\": true, \"output_mode\": \"content\"}",
        "{\"pattern\": \"^$\", \"output_mode\": \"count\"}",
        "{\"pattern\": \"x*\", \"output_mode\": \"count\"}",
        "{\"pattern\": \"\\\\bFoo\\\\w*\", \"output_mode\": \"content\"}",
        "{\"pattern\": \"crlf$\", \"output_mode\": \"content\"}",
        "{\"pattern\": \"bad\", \"output_mode\": \"content\"}",
        "{\"pattern\": \"TODO\", \"path\": \"{root}/src\", \"output_mode\": \"content\"}",
        "{\"pattern\": \"line\", \"path\": \"{root}/src/sub/c.cs\", \"output_mode\": \"content\", \"-B\": 1}",
        "{\"pattern\": \"TODO\", \"head_limit\": 3, \"offset\": 2, \"output_mode\": \"content\"}",
        "{\"pattern\": \"nothing-matches-this\"}",
    ];

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Grep_RipgrepAndManaged_GiveTheSameOutput(string query)
    {
        if (Ripgrep() is null)
        {
            Assert.Skip("ripgrep (rg) is not installed: apt-get install ripgrep");
        }
        using var rg = new FileToolHarness(new FileToolOptions { GrepEngine = GrepEngineKind.Ripgrep });
        BuildFixture(rg);

        var viaRipgrep = await rg.RunAsync("Grep", query.Replace("{root}", rg.Root, StringComparison.Ordinal));
        var viaManaged = await _managed.RunAsync("Grep", query.Replace("{root}", _managed.Root, StringComparison.Ordinal));

        Assert.True(viaRipgrep.Success, viaRipgrep.Error);
        Assert.True(viaManaged.Success, viaManaged.Error);
        Assert.Equal("ripgrep", viaRipgrep.Metadata["engine"]);
        Assert.Equal("managed", viaManaged.Metadata["engine"]);
        Assert.Equal(viaRipgrep.Output.Replace(rg.Root, "<root>", StringComparison.Ordinal),
            viaManaged.Output.Replace(_managed.Root, "<root>", StringComparison.Ordinal));
    }

    private async Task<string> GrepAsync(string json)
    {
        var result = await _managed.RunAsync("Grep", json.Replace("{root}", _managed.Root, StringComparison.Ordinal));
        Assert.True(result.Success, result.Error);
        return result.Output.Replace(_managed.Root, "<root>", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grep_FilesWithMatches_ListsNewestFirstSkippingIgnoredBinaryAndGitFiles()
    {
        var output = await GrepAsync("{\"pattern\": \"TODO\"}");

        Assert.Equal(
            """
            Found 11 files
            <root>/u16.txt
            <root>/src/sub/c.cs
            <root>/src/b.py
            <root>/src/a.cs
            <root>/noeol.txt
            <root>/keep.tmp
            <root>/invalid.txt
            <root>/docs/readme.md
            <root>/crlf.txt
            <root>/bom.txt
            <root>/.hidden/h.txt
            """.ReplaceLineEndings("\n"), output);
    }

    [Fact]
    public async Task Grep_Content_PrintsPathLineAndTextWithContextSeparators()
    {
        var output = await GrepAsync("{\"pattern\": \"TODO\", \"path\": \"{root}/src/sub\", \"output_mode\": \"content\", \"-A\": 1}");

        Assert.Equal(
            """
            <root>/src/sub/c.cs:3:TODO in c
            <root>/src/sub/c.cs-4-line 4
            --
            <root>/src/sub/c.cs:7:TODO again
            """.ReplaceLineEndings("\n"), output);
    }

    [Fact]
    public async Task Grep_Count_PrintsPerFileCountsAndATotal()
    {
        var output = await GrepAsync("{\"pattern\": \"TODO|todo\", \"path\": \"{root}/src\", \"output_mode\": \"count\"}");

        Assert.Equal(
            """
            <root>/src/a.cs:2
            <root>/src/b.py:1
            <root>/src/sub/c.cs:2

            Found 5 matching lines across 3 files.
            """.ReplaceLineEndings("\n"), output);
    }

    [Fact]
    public async Task Grep_Multiline_ReportsEveryLineOfAMatch()
    {
        var output = await GrepAsync("{\"pattern\": \"start\\nmiddle\", \"multiline\": true, \"output_mode\": \"content\"}");

        Assert.Equal("<root>/multi.txt:1:start\n<root>/multi.txt:2:middle", output);
    }

    [Fact]
    public async Task Grep_WithHeadLimitAndOffset_PagesAndSaysSo()
    {
        var output = await GrepAsync("{\"pattern\": \"line\", \"path\": \"{root}/src/sub/c.cs\", \"output_mode\": \"content\", \"head_limit\": 2, \"offset\": 1}");

        Assert.StartsWith("<root>/src/sub/c.cs:2:line 2\n<root>/src/sub/c.cs:4:line 4\n\n[Showing results with pagination = limit: 2, offset: 1; 5 in all]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grep_WhenIgnoreFilesAreDisabled_SearchesIgnoredFiles()
    {
        using var h = new FileToolHarness(new FileToolOptions { GrepEngine = GrepEngineKind.Managed, GrepRespectsIgnoreFiles = false });
        BuildFixture(h);

        var result = await h.RunAsync("Grep", Args(("pattern", "TODO ignored")));

        Assert.Contains(h.PathOf("ignored/x.cs"), result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grep_WithAnInvalidRegex_FailsNamingThePattern()
    {
        var result = await _managed.RunAsync("Grep", Args(("pattern", "(unclosed")));

        Assert.False(result.Success);
        Assert.Contains("Invalid regular expression '(unclosed'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grep_WithANewlineButNotMultiline_FailsSuggestingMultiline()
    {
        var result = await _managed.RunAsync("Grep", Args(("pattern", "a\\nb")));

        Assert.False(result.Success);
        Assert.Contains("multiline: true", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grep_WithAnUnknownType_ListsTheKnownTypes()
    {
        var result = await _managed.RunAsync("Grep", Args(("pattern", "x"), ("type", "klingon")));

        Assert.False(result.Success);
        Assert.Contains("Unknown file type 'klingon'", result.Error, StringComparison.Ordinal);
        Assert.Contains("rust", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"pattern\": \"x\", \"path\": \"src\"}", "must be an absolute path")]
    [InlineData("{\"pattern\": \"x\", \"path\": \"/etc\"}", "outside the allowed directories")]
    [InlineData("{\"pattern\": \"x\", \"output_mode\": \"lines\"}", "'output_mode' must be one of")]
    [InlineData("{\"pattern\": \"x\", \"-A\": -1}", "'-A' must be")]
    [InlineData("{\"pattern\": \"x\", \"-i\": \"yes\"}", "'-i' must be a boolean")]
    [InlineData("{\"path\": \"/tmp\"}", "'pattern' is required")]
    public async Task Grep_WithBadArguments_FailsClearly(string json, string expected)
    {
        var result = await _managed.RunAsync("Grep", json);

        Assert.False(result.Success);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grep_WithLookAround_FallsBackToManagedWhenRipgrepRejectsIt()
    {
        if (Ripgrep() is null)
        {
            Assert.Skip("ripgrep (rg) is not installed");
        }
        using var rg = new FileToolHarness(new FileToolOptions { GrepEngine = GrepEngineKind.Ripgrep });
        BuildFixture(rg);

        var result = await rg.RunAsync("Grep", Args(("pattern", "Foo(?!Bar)"), ("output_mode", "content")));

        Assert.True(result.Success, result.Error);
        Assert.Equal("managed", result.Metadata["engine"]);
        Assert.Equal($"{rg.PathOf("src/a.cs")}:3:class Foo {{ }}", result.Output);
    }

    [Fact]
    public void DescribeAccess_ReadsTheSearchedTree()
    {
        var tool = new GrepTool();

        var access = tool.DescribeAccess(Json(Args(("pattern", "x"), ("path", _managed.PathOf("src")))), _managed.Context);

        Assert.Equal([_managed.PathOf("src")], access.ReadsTrees);
        Assert.True(access.ConflictsWith(ToolAccess.Writing(_managed.PathOf("src/a.cs"))));
        Assert.False(access.ConflictsWith(ToolAccess.Writing(_managed.PathOf("docs/readme.md"))));
    }

    // Format, the output both engines share, on hand-made results (no file system: files_with_matches sorts unknown
    // paths by name).

    private static GrepFileResult Found(string path, long matching, params (long Number, bool IsMatch, string Text)[] lines) =>
        new(path, matching, [.. lines.Select(l => new GrepLine(l.Number, l.IsMatch, l.Text))]);

    private static string Format(IReadOnlyList<GrepFileResult> files, string mode, bool lineNumbers = true, bool withContext = false,
        int headLimit = 0, int offset = 0, int maxOutput = 100_000) =>
        GrepTool.Format(files, mode, lineNumbers, withContext, headLimit, offset, maxOutput, out _);

    [Theory]
    [InlineData("files_with_matches", "No files found")]
    [InlineData("content", "No matches found")]
    [InlineData("count", "No matches found")]
    public void Format_NothingFound_SaysSoForTheMode(string mode, string expected)
    {
        Assert.Equal(expected, GrepTool.Format([], mode, true, false, 0, 0, 1000, out var shown));
        Assert.Equal(0, shown);
    }

    [Fact]
    public void Format_FilesWithMatches_SaysFileInTheSingularAndPlural()
    {
        Assert.Equal("Found 1 file\n/nowhere/a", Format([Found("/nowhere/a", 1)], "files_with_matches"));
        Assert.Equal("Found 2 files\n/nowhere/a\n/nowhere/b", Format([Found("/nowhere/b", 1), Found("/nowhere/a", 1)], "files_with_matches"));
    }

    [Fact]
    public void Format_Count_ListsFilesByPathAndTotalsInTheSingularAndPlural()
    {
        Assert.Equal("/b:1\n\nFound 1 matching line across 1 file.", Format([Found("/b", 1)], "count"));
        Assert.Equal("/a:3\n/b:1\n\nFound 4 matching lines across 2 files.", Format([Found("/b", 1), Found("/a", 3)], "count"));
    }

    [Fact]
    public void Format_Content_SeparatesNonAdjacentGroupsOnlyWhenContextWasAsked()
    {
        GrepFileResult[] files =
        [
            Found("/b", 1, (7, true, "seven")),
            Found("/a", 2, (1, false, "one"), (2, true, "two"), (5, true, "five")),
        ];

        Assert.Equal("/a-1-one\n/a:2:two\n--\n/a:5:five\n--\n/b:7:seven", Format(files, "content", withContext: true));
        Assert.Equal("/a-1-one\n/a:2:two\n/a:5:five\n/b:7:seven", Format(files, "content"));
        Assert.Equal("/a-one\n/a:two\n/a:five\n/b:seven", Format(files, "content", lineNumbers: false));
    }

    [Fact]
    public void Format_Content_CutsAVeryLongLineWithItsLength()
    {
        var exact = new string('e', GrepTool.MaxLineLength);
        var longer = new string('l', GrepTool.MaxLineLength + 1);

        var text = Format([Found("/a", 2, (1, true, exact), (2, true, longer))], "content");

        Assert.Equal($"/a:1:{exact}\n/a:2:{longer[..GrepTool.MaxLineLength]}… [line truncated: 2001 characters]", text);
    }

    [Fact]
    public void Format_HeadLimitAndOffset_PageThroughTheEntriesAndSaySo()
    {
        var files = Enumerable.Range(1, 5).Select(i => Found($"/f{i}", i)).ToList();

        Assert.Equal("/f2:2\n/f3:3\n\nFound 15 matching lines across 5 files.\n\n[Showing results with pagination = limit: 2, offset: 1; 5 in all]",
            Format(files, "count", headLimit: 2, offset: 1));
        Assert.Equal("/f1:1\n/f2:2\n/f3:3\n/f4:4\n/f5:5\n\nFound 15 matching lines across 5 files.", Format(files, "count", headLimit: 5));
        Assert.Equal("/f1:1\n/f2:2\n/f3:3\n/f4:4\n\nFound 15 matching lines across 5 files.\n\n[Showing results with pagination = limit: 4, offset: 0; 5 in all]",
            Format(files, "count", headLimit: 4));
        Assert.Equal("/f5:5\n\nFound 15 matching lines across 5 files.\n\n[Showing results with pagination = limit: 0, offset: 4; 5 in all]",
            Format(files, "count", offset: 4));
    }

    [Fact]
    public void Format_AnOffsetPastTheEnd_SaysHowManyThereAre()
    {
        var text = GrepTool.Format([Found("/a", 1), Found("/b", 1)], "count", true, false, 0, 2, 1000, out var shown);

        Assert.Equal("(no results at offset 2; there are 2)\n\nFound 2 matching lines across 2 files.\n\n[Showing results with pagination = limit: 0, offset: 2; 2 in all]", text);
        Assert.Equal(0, shown);
    }

    [Fact]
    public void Format_WhenTheOutputLimitIsReached_StopsAtAWholeEntryAndSaysHowToNarrow()
    {
        var files = new[] { Found("/aaaa", 1), Found("/bbbb", 1), Found("/cccc", 1) };

        var text = GrepTool.Format(files, "count", true, false, 0, 0, 16, out var shown);

        Assert.Equal("/aaaa:1\n/bbbb:1\n[Output truncated at 16 characters after 2 of 3 lines: narrow the search or use head_limit/offset.]"
            + "\n\nFound 3 matching lines across 3 files.", text);
        Assert.Equal(2, shown);
    }

    [Fact]
    public void Format_AFirstEntryLongerThanTheOutputLimit_IsStillShown()
    {
        var text = GrepTool.Format([Found("/a-long-path", 1), Found("/b", 1)], "count", true, false, 0, 0, 3, out var shown);

        Assert.StartsWith("/a-long-path:1\n[Output truncated at 3 characters after 1 of 2 lines", text, StringComparison.Ordinal);
        Assert.Equal(1, shown);
    }
}
