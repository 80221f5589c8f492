using CodeForge.Core.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>CappedOutput: everything up to the cap, beyond it the head, an exact note and the tail, and the whole text in the spill file.</summary>
public sealed class CappedOutputTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-capped-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string SpillPath(string name = "spill.txt") => Path.Join(_dir.FullName, "out", name);

    [Fact]
    public void Constructor_WithACapBelowThreeOrNoSpillPath_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>("cap", () => new CappedOutput(2, () => SpillPath()));
        Assert.Throws<ArgumentNullException>("spillPath", () => new CappedOutput(3, null!));
    }

    [Fact]
    public void Render_UpToTheCap_ReturnsEverythingAndWritesNoFile()
    {
        var calls = 0;
        using var output = new CappedOutput(9, () => { calls++; return SpillPath(); });

        output.Append("abc");
        output.Append("");
        output.Append("defghi");

        Assert.Equal("abcdefghi", output.Render());
        Assert.False(output.Truncated);
        Assert.Equal(9, output.TotalChars);
        Assert.Null(output.SpillFile);
        Assert.Null(output.SpillError);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Render_BeyondTheCap_ShowsTheHeadTheExactOmittedCountAndTheTail()
    {
        var path = SpillPath();
        using var output = new CappedOutput(9, () => path); // head 3, tail 6

        output.Append("abcdefghijklmnopqrst"); // 20 chars: 11 left out

        Assert.True(output.Truncated);
        Assert.Equal(
            $"abc\n\n... [11 characters omitted; the full output (20 characters) is saved in {path}; Read it with offset/limit or search it with Grep] ...\n\nopqrst",
            output.Render());
        Assert.Equal(20, output.TotalChars);
        Assert.Equal(path, output.SpillFile);
    }

    [Fact]
    public void Render_AfterManySmallAppends_KeepsTheLastTailCharsAndCountsTheRest()
    {
        var path = SpillPath();
        using var output = new CappedOutput(9, () => path);
        var all = string.Concat(Enumerable.Range(0, 100).Select(i => (char)('A' + (i % 26))));

        foreach (var c in all)
        {
            output.Append([c]);
        }

        Assert.Equal(
            $"{all[..3]}\n\n... [91 characters omitted; the full output (100 characters) is saved in {path}; Read it with offset/limit or search it with Grep] ...\n\n{all[^6..]}",
            output.Render());
        Assert.Equal(all, File.ReadAllText(path));
    }

    [Fact]
    public void Append_FarBeyondTheCap_KeepsAtMostTwiceTheTailInMemory()
    {
        // The tail is trimmed lazily (when it has grown to twice its size), but it is trimmed: a command that writes
        // gigabytes must not keep them in memory. Appends much larger than the tail show it: each must be cut back.
        var path = SpillPath();
        using var output = new CappedOutput(30, () => path); // head 10, tail 20
        var chunk = new string('x', 1000);

        for (var i = 0; i < 50; i++)
        {
            output.Append(chunk);

            Assert.InRange(BufferedTail(output).Length, 0, 2 * 20);
        }
        Assert.Equal(50_000, output.TotalChars);
        Assert.EndsWith("\n\n" + new string('x', 20), output.Render(), StringComparison.Ordinal);
        Assert.Equal(50_000, new FileInfo(path).Length);
    }

    /// <summary>The tail CappedOutput keeps in memory (private: only its size is of interest here).</summary>
    private static System.Text.StringBuilder BufferedTail(CappedOutput output) =>
        (System.Text.StringBuilder)typeof(CappedOutput)
            .GetField("_tail", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(output)!;

    [Fact]
    public void Render_ClosesTheSpillFileWithTheWholeOutputInIt()
    {
        var path = SpillPath();
        using var output = new CappedOutput(9, () => path);
        output.Append("abcdefghij");
        output.Append("klmnop");

        output.Render();

        Assert.Equal("abcdefghijklmnop", File.ReadAllText(path));
        using var reopened = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None); // no writer holds it
    }

    [Fact]
    public void Dispose_WithoutRender_ClosesTheSpillFileWithTheWholeOutputInIt()
    {
        var path = SpillPath();
        var output = new CappedOutput(9, () => path);
        output.Append("abcdefghijklmnopqrst");

        output.Dispose();

        Assert.Equal("abcdefghijklmnopqrst", File.ReadAllText(path));
        using var reopened = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
    }

    [Fact]
    public void Append_BeyondTheCap_NamesTheSpillFileOnlyOnce()
    {
        var calls = 0;
        using var output = new CappedOutput(3, () => SpillPath($"spill-{++calls}.txt"));

        output.Append("abcd");
        output.Append("efgh");
        output.Append("ijkl");

        Assert.Equal(1, calls);
        output.Render();
        Assert.Equal("abcdefghijkl", File.ReadAllText(SpillPath("spill-1.txt")));
    }

    [Fact]
    public void Render_WhenTheSpillFileCannotBeCreated_SaysWhyInsteadOfWhere()
    {
        var taken = SpillPath();
        Directory.CreateDirectory(Path.GetDirectoryName(taken)!);
        File.WriteAllText(taken, "someone else's");
        using var output = new CappedOutput(9, () => taken); // CreateNew refuses an existing file

        output.Append("abcdefghijklmnopqrst");
        var text = output.Render();

        Assert.Null(output.SpillFile);
        Assert.NotNull(output.SpillError);
        Assert.Equal(
            $"abc\n\n... [11 characters omitted; the full output could not be saved: {output.SpillError}] ...\n\nopqrst",
            text);
        Assert.Equal("someone else's", File.ReadAllText(taken));
    }

    [Fact]
    public void Render_DoesNotSplitASurrogatePairAtTheHeadOrTheTail()
    {
        using var output = new CappedOutput(9, () => SpillPath()); // head 3, tail 6
        // The head's third char is a high surrogate; the tail's first char would be a low surrogate.
        output.Append("ab\uD83D\uDE00cdefghijk\uD83D\uDE01lmnop");

        var text = output.Render();

        Assert.StartsWith("ab\n\n... [", text, StringComparison.Ordinal);
        Assert.EndsWith("\n\nlmnop", text, StringComparison.Ordinal);
        Assert.Contains("[13 characters omitted;", text, StringComparison.Ordinal);
    }
}
