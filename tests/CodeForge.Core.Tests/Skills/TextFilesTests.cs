using System.Text;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class TextFilesTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private static readonly string LongDescription = "description: " + new string('d', 5000);
    private static readonly string Body = string.Concat(Enumerable.Range(1, 40).Select(i => $"{i}. Step {i}.\n"));

    public static TheoryData<string, string> Shapes => new()
    {
        { "simple", "---\nname: a\ndescription: does a\n---\n# A\n\n" + Body },
        { "crlf", "---\r\nname: a\r\ndescription: does a\r\n---\r\nbody\r\n" },
        { "dots close", "---\nname: a\ndescription: does a\n...\nbody\n" },
        { "trailing spaces on the fences", "--- \t\nname: a\ndescription: does a\n---  \nbody\n" },
        { "utf-8 bom", "\uFEFF---\nname: a\ndescription: café\n---\nbody\n" },
        { "empty body", "---\nname: a\ndescription: does a\n---\n" },
        { "white-space body", "---\nname: a\ndescription: does a\n---\n\n \t\r\n\n" },
        { "closing fence without newline", "---\nname: a\ndescription: does a\n---" },
        { "frontmatter over the first chunk", "---\nname: a\n" + LongDescription + "\n---\nbody\n" },
        { "white space over the first chunk, then text", "---\nname: a\ndescription: does a\n---\n" + new string(' ', 9000) + "\nlate body\n" },
        { "white space over the first chunk only", "---\nname: a\ndescription: does a\n---\n" + new string('\n', 9000) },
        { "non-ASCII white space body", "---\nname: a\ndescription: does a\n---\n\u00A0\u2028\n" },
        { "non-ASCII body", "---\nname: a\ndescription: does a\n---\n  é\n" },
        { "invalid yaml", "---\nname: a\ndescription: Use it. Examples: <example>Context: x</example>\ntools: Read\n---\nYou are a.\n" },
        { "no frontmatter", "# Just markdown\n\nbody\n" },
        { "never closed", "---\nname: a\ndescription: does a\nbody\n" },
        { "only the opening fence", "---" },
        { "indented fence does not close", "---\nname: a\n ---\ndescription: b\n---\nbody\n" },
        { "empty file", "" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ReadFrontmatterHead_ParsesAsTheWholeFileDoes_AndKnowsWhetherTheBodyHasText(string shape, string content)
    {
        var path = _tree.Write("f.md", content);

        var head = TextFiles.ReadFrontmatterHead(path);

        var whole = TextFiles.ReadAllText(path);
        var expected = MarkdownFrontmatter.Parse(whole, path);
        var actual = MarkdownFrontmatter.Parse(head.Text, path);
        Assert.True(expected.IsValid == actual.IsValid, shape);
        Assert.Equal(expected.HasFrontmatter, actual.HasFrontmatter);
        Assert.Equal(expected.BodyLine, actual.BodyLine);
        Assert.Equal(expected.Diagnostics.Select(d => d.ToString()), actual.Diagnostics.Select(d => d.ToString()));
        foreach (var key in new[] { "name", "description", "tools" })
        {
            Assert.Equal(expected.Has(key), actual.Has(key));
            Assert.Equal(expected.GetString(key, []), actual.GetString(key, []));
        }
        var bodyHasText = head.IsWholeFile ? !string.IsNullOrWhiteSpace(actual.Body) : head.BodyHasText;
        Assert.Equal(!string.IsNullOrWhiteSpace(expected.Body), bodyHasText);
        if (head.IsWholeFile)
        {
            Assert.Equal(whole, head.Text);
        }
    }

    [Fact]
    public void ReadFrontmatterHead_OfAFileWithABody_DecodesOnlyTheFrontmatter()
    {
        var path = _tree.Write("f.md", "---\nname: a\ndescription: does a\n---\n# A\n\n" + Body);

        var head = TextFiles.ReadFrontmatterHead(path);

        Assert.False(head.IsWholeFile);
        Assert.True(head.BodyHasText);
        Assert.Equal("---\nname: a\ndescription: does a\n---\n", head.Text);
    }

    [Fact]
    public void ReadFrontmatterHead_OfAUtf16File_ReadsItWholeWithTheRightEncoding()
    {
        var path = Path.Combine(_tree.Root, "u16.md");
        File.WriteAllText(path, "---\nname: a\ndescription: does a\n---\nbody\n", Encoding.Unicode);

        var head = TextFiles.ReadFrontmatterHead(path);

        Assert.True(head.IsWholeFile);
        Assert.Equal("a", MarkdownFrontmatter.Parse(head.Text, path).GetString("name", []));
    }

    [Fact]
    public void ReadFrontmatterHead_OfAFileEndingWithItsClosingLine_ReadsNoMore()
    {
        var path = _tree.Write("f.md", "---\nname: a\n---");

        var head = TextFiles.ReadFrontmatterHead(path);

        Assert.False(head.IsWholeFile);
        Assert.False(head.BodyHasText);
        Assert.Equal("---\nname: a\n---", head.Text);
    }

    [Fact]
    public void ReadFrontmatterHead_OfAFileWithAUtf8ByteOrderMark_LeavesTheMarkOut()
    {
        var path = _tree.Write("f.md", "\uFEFF---\nname: a\n---\nbody\n");

        var head = TextFiles.ReadFrontmatterHead(path);

        Assert.False(head.IsWholeFile);
        Assert.True(head.BodyHasText);
        Assert.Equal("---\nname: a\n---\n", head.Text);
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })] // the lowest non-ASCII byte, here a stray continuation byte
    [InlineData(new byte[] { 0xC2, 0xA0 })] // U+00A0, white space
    [InlineData(new byte[] { 0xFF })]
    public void ReadFrontmatterHead_WhenTheBodyStartsWithANonAsciiByte_ReadsTheWholeFile(byte[] body)
    {
        var path = Path.Combine(_tree.Root, "f.md");
        File.WriteAllBytes(path, [.. "---\nname: a\n---\n \n"u8, .. body, .. "\n"u8]);

        var head = TextFiles.ReadFrontmatterHead(path);

        Assert.True(head.IsWholeFile);
        Assert.Equal(TextFiles.ReadAllText(path), head.Text);
    }
}
