using System.Globalization;
using System.Text;
using CodeForge.Core.Tokens;

namespace CodeForge.Core.Agent;

/// <summary>
/// Keeps one tool result within a token budget before it joins the conversation: a result over the budget keeps its
/// beginning and end, with a marker in between saying how much was cut and, when a directory is configured, the file
/// that holds the full text (which the model can Read or Grep).
/// </summary>
/// <remarks>
/// Thread-safe: the counter is thread-safe and each call writes its own file (named after the call id and a fresh
/// suffix), so parallel tool calls may truncate concurrently.
/// </remarks>
public sealed class ToolResultTruncator
{
    private readonly ITokenCounter _counter;
    private readonly string? _directory;

    public ToolResultTruncator(ITokenCounter counter, int maxTokens, string? outputDirectory = null)
    {
        _counter = counter ?? throw new ArgumentNullException(nameof(counter));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens);
        MaxTokens = maxTokens;
        _directory = outputDirectory;
    }

    /// <summary>The most tokens a result keeps.</summary>
    public int MaxTokens { get; }

    /// <summary>Returns <paramref name="text"/> if it fits, or its head and tail (within the budget) with a marker (under 100 tokens) between.</summary>
    public string Truncate(string callId, string toolName, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // A token is at least one character for every tokenizer here, so a text of at most MaxTokens characters fits.
        if (text.Length <= MaxTokens)
        {
            return text;
        }
        var tokens = _counter.Count(text);
        if (tokens <= MaxTokens)
        {
            return text;
        }
        var charsPerToken = (double)text.Length / tokens;
        var keep = (int)(MaxTokens * charsPerToken * 0.9); // leave room for the marker and estimation error
        var headLength = keep * 3 / 4;
        var tailLength = keep - headLength;
        var head = text[..SafeCut(text, headLength)];
        var tail = text[SafeCut(text, text.Length - tailLength)..];
        var cut = text.Length - head.Length - tail.Length;
        var saved = Save(callId, toolName, text);
        var marker = new StringBuilder();
        marker.Append(CultureInfo.InvariantCulture,
            $"\n\n[... output truncated: {cut:N0} of {text.Length:N0} characters (about {tokens - MaxTokens:N0} of {tokens:N0} tokens) were cut here to fit the context budget.");
        marker.Append(saved is null ? " Narrow the request (a line range, a pattern, fewer files) to see the rest." : $" The full output is saved in {saved}; Read or Grep it to see the rest.");
        marker.Append(" ...]\n\n");
        return head + marker + tail;
    }

    // Never split a surrogate pair.
    private static int SafeCut(string text, int index)
    {
        index = Math.Clamp(index, 0, text.Length);
        return index > 0 && index < text.Length && char.IsLowSurrogate(text[index]) ? index - 1 : index;
    }

    private string? Save(string callId, string toolName, string text)
    {
        if (_directory is null)
        {
            return null;
        }
        try
        {
            Directory.CreateDirectory(_directory);
            var name = new string([.. $"{toolName}-{callId}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
            var path = Path.Combine(_directory, $"{name}-{Guid.NewGuid().ToString("N")[..8]}.txt");
            File.WriteAllText(path, text, new UTF8Encoding(false));
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
