using System.Globalization;
using CodeForge.Core.Agent;

namespace CodeForge.Cli.Interactive;

/// <summary>The one line the UI shows when the conversation was compacted, by <c>/compact</c> or on its own.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class CompactionNotice
{
    public static string Text(CompactionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var what = result.Trigger == CompactionTrigger.Auto ? "Context was near full: compacted" : "Compacted";
        return string.Create(CultureInfo.InvariantCulture,
            $"{what} {result.MessagesSummarized} messages into a summary: {result.TokensBefore:N0} → {result.TokensAfter:N0} tokens (the transcript keeps everything).");
    }

    public static string Failed(CompactionFailed failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return (failure.Trigger == CompactionTrigger.Auto ? "Automatic compaction failed: " : "Compaction failed: ") + failure.Message;
    }
}
