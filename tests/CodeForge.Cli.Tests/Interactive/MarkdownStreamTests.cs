using CodeForge.Cli.Interactive;
using Spectre.Console.Testing;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class MarkdownStreamTests
{
    private const string Sample = """
        # Plan

        Some **bold** and *italic* text with `code` and a [link](https://example.com).

        - first item
        - second item
          - nested
        1. one
        2. two

        > a quote

        ```csharp
        var x = [1, 2];
        Console.WriteLine(x);
        ```

        | Name | Size |
        |------|-----:|
        | a.cs | 10 |
        | b.cs | 200 |

        ---
        done
        """;

    private static string Render(IEnumerable<string> chunks, int width = 80)
    {
        var console = new TestConsole().Width(width);
        var md = new MarkdownStream(console.Write);
        foreach (var c in chunks)
        {
            md.Append(c);
        }
        md.Finish();
        return console.Output.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OfTheSample_MatchesTheExpectedOutputFile()
    {
        var actual = Render([Sample]);

        var file = Path.Combine(AppContext.BaseDirectory, "Interactive", "Expected", "markdown-sample.txt");
        if (Environment.GetEnvironmentVariable("FORGE_WRITE_EXPECTED") is { Length: > 0 } sourceDir)
        {
            // Regenerate after an intended rendering change: FORGE_WRITE_EXPECTED=<tests/CodeForge.Cli.Tests> and review the diff.
            File.WriteAllText(Path.Combine(sourceDir, "Interactive", "Expected", "markdown-sample.txt"), actual);
        }
        var expected = File.ReadAllText(file);
        Assert.Equal(expected.Replace("\r\n", "\n", StringComparison.Ordinal), actual);
    }

    [Fact]
    public void Render_WhenStreamedOneCharacterAtATime_DrawsTheSameAsAllAtOnce()
    {
        var whole = Render([Sample]);
        var streamed = Render(Sample.Select(c => c.ToString()));

        Assert.Equal(whole, streamed);
    }

    [Fact]
    public void Append_DrawsACompletedLineBeforeTheRestArrives()
    {
        var console = new TestConsole().Width(80);
        var md = new MarkdownStream(console.Write);

        md.Append("first line\nsecond li");

        Assert.Contains("first line", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("second", console.Output, StringComparison.Ordinal);
        md.Finish();
        Assert.Contains("second li", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OfMarkupLikeText_ShowsItLiterallyWithoutThrowing()
    {
        var output = Render(["[red]not markup[/] and [link] and a ` stray backtick\n"]);

        Assert.Contains("[red]not markup[/]", output, StringComparison.Ordinal);
        Assert.Contains("` stray backtick", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OfAnUnclosedCodeFence_StillShowsTheCode()
    {
        var output = Render(["```python\nprint('hi')\n"]);

        Assert.Contains("python", output, StringComparison.Ordinal);
        Assert.Contains("print('hi')", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_InEightyColumns_NeverWritesALineWiderThanTheScreen()
    {
        var output = Render([Sample + "\n" + new string('x', 300) + "\n"], width: 80);

        Assert.All(output.Split('\n'), line => Assert.True(line.Length <= 80, $"{line.Length}: {line}"));
    }

    [Fact]
    public void Inline_EscapesTextAndMarksUpCodeBoldItalicAndLinks()
    {
        Assert.Equal("[aqua]x[[1]][/] [bold]b[/] [italic]i[/]", MarkdownStream.Inline("`x[1]` **b** *i*"));
        Assert.Equal("snake_case_name", MarkdownStream.Inline("snake_case_name"));
        Assert.Contains("[link=https://a.b/c]", MarkdownStream.Inline("[t](https://a.b/c)"), StringComparison.Ordinal);
    }
}
