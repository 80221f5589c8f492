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
}
