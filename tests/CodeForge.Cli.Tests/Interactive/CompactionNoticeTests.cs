using CodeForge.Cli.Interactive;
using CodeForge.Core.Agent;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class CompactionNoticeTests
{
    [Fact]
    public void Text_OfAnAutomaticCompaction_SaysSoWithTheTokensBeforeAndAfter()
    {
        var text = CompactionNotice.Text(new CompactionResult(CompactionTrigger.Auto, 150_000, 12_000, 40, 4, "summary", null));

        Assert.Equal("Context was near full: compacted 40 messages into a summary: 150,000 → 12,000 tokens (the transcript keeps everything).", text);
    }

    [Fact]
    public void Text_OfAManualCompaction_IsTheLineCompactShows() =>
        Assert.StartsWith("Compacted 3 messages into a summary: 900 → 100 tokens",
            CompactionNotice.Text(new CompactionResult(CompactionTrigger.Manual, 900, 100, 3, 1, "s", null)), StringComparison.Ordinal);

    [Fact]
    public void Failed_OfAnAutomaticCompaction_NamesItAndTheReason() =>
        Assert.Equal("Automatic compaction failed: the model returned nothing",
            CompactionNotice.Failed(new CompactionFailed(CompactionTrigger.Auto, "the model returned nothing", null)));
}
