using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class MarkdownBodyTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Value_IsTheTextAfterTheFrontmatterThroughTheTransform()
    {
        var file = _tree.Write("a.md", "---\nname: a\ndescription: d\n---\n\n  Body here.  \n");

        var body = new MarkdownBody(file, b => b.Trim().ToUpperInvariant());

        Assert.Equal("BODY HERE.", body.Value);
    }

    [Fact]
    public void Value_IsNotReadUntilAskedFor_AndThenOnlyOnce()
    {
        var file = _tree.Write("a.md", "---\nname: a\n---\nfirst");
        var body = new MarkdownBody(file);

        Assert.False(body.IsLoaded);
        Assert.Equal(0, body.Reads);
        File.WriteAllText(file, "---\nname: a\n---\nsecond");
        Assert.Equal("second", body.Value);
        File.WriteAllText(file, "---\nname: a\n---\nthird");

        Assert.Equal("second", body.Value);
        Assert.True(body.IsLoaded);
        Assert.Equal(1, body.Reads);
    }

    [Fact]
    public void Value_WhenTheFileWasDeleted_ThrowsNamingTheFile()
    {
        var file = _tree.Write("gone.md", "---\nname: a\n---\nbody");
        var body = new MarkdownBody(file);
        File.Delete(file);

        var ex = Assert.Throws<MarkdownBodyException>(() => body.Value);

        Assert.Equal(file, ex.Path);
        Assert.Contains($"cannot read {file}", ex.Message, StringComparison.Ordinal);
        Assert.False(body.IsLoaded);
    }

    [Fact]
    public void Value_AfterAFailedRead_ReadsAgainOnceTheFileIsBack()
    {
        var file = _tree["back.md"];
        var body = new MarkdownBody(file);
        Assert.Throws<MarkdownBodyException>(() => body.Value);

        _tree.Write("back.md", "---\nname: a\n---\nrestored");

        Assert.Equal("restored", body.Value);
        Assert.Equal(2, body.Reads);
    }

    [Fact]
    public void Value_WhenTheFrontmatterNoLongerCloses_ThrowsNamingTheFileAndWhy()
    {
        var file = _tree.Write("broken.md", "---\nname: a\n---\nbody");
        var body = new MarkdownBody(file);
        File.WriteAllText(file, "---\nname: a\nbody without a closing line");

        var ex = Assert.Throws<MarkdownBodyException>(() => body.Value);

        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Contains("never closed", ex.Message, StringComparison.Ordinal);
    }
}
