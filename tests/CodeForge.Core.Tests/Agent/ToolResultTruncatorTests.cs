using CodeForge.Core.Agent;
using CodeForge.Core.Tokens;

namespace CodeForge.Core.Tests.Agent;

public sealed class ToolResultTruncatorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-results-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Truncate_WhenTheTextFits_ReturnsItUnchanged()
    {
        var text = new string('a', 300);

        Assert.Same(text, new ToolResultTruncator(EstimatingCounter.Instance, 100).Truncate("c1", "Read", text));
    }

    [Fact]
    public void Truncate_WhenTheTextIsTooBig_KeepsHeadAndTailAndSaysHowMuchWasCutAndWhereTheRestIs()
    {
        var text = "HEAD" + new string('m', 10_000) + "TAIL";

        var result = new ToolResultTruncator(EstimatingCounter.Instance, 200, _dir.FullName).Truncate("call/1", "Grep", text);

        Assert.StartsWith("HEAD", result, StringComparison.Ordinal);
        Assert.EndsWith("TAIL", result, StringComparison.Ordinal);
        var kept = result.Length - result[result.IndexOf("\n\n[...", StringComparison.Ordinal)..(result.IndexOf("...]\n\n", StringComparison.Ordinal) + 6)].Length;
        Assert.Contains($"{text.Length - kept:N0} of {text.Length:N0} characters", result, StringComparison.Ordinal);
        var saved = Assert.Single(_dir.GetFiles());
        Assert.StartsWith("Grep-call_1-", saved.Name, StringComparison.Ordinal);
        Assert.Contains(saved.FullName, result, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(saved.FullName));
        Assert.True(EstimatingCounter.Instance.Count(result) <= 200 + 100);
    }

    [Fact]
    public void Truncate_WithoutADirectory_TellsTheModelToNarrowTheRequest()
    {
        var result = new ToolResultTruncator(EstimatingCounter.Instance, 50).Truncate("c1", "Read", new string('x', 5000));

        Assert.Contains("Narrow the request", result, StringComparison.Ordinal);
        Assert.Empty(_dir.GetFiles());
    }

    [Fact]
    public void Truncate_NeverSplitsASurrogatePair()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 3000));

        var result = new ToolResultTruncator(EstimatingCounter.Instance, 100).Truncate("c1", "Read", text);

        var head = result[..result.IndexOf("\n\n[...", StringComparison.Ordinal)];
        var tail = result[(result.IndexOf("...]\n\n", StringComparison.Ordinal) + 6)..];
        Assert.False(char.IsHighSurrogate(head[^1]));
        Assert.False(char.IsLowSurrogate(tail[0]));
        Assert.Equal(head.Length + tail.Length, (head + tail).Count(char.IsHighSurrogate) * 2);
    }

    [Fact]
    public void Constructor_RejectsABudgetThatIsNotPositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ToolResultTruncator(EstimatingCounter.Instance, 0));
    }
}
