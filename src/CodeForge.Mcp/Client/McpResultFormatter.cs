using System.Globalization;
using System.Text;
using CodeForge.Core.Tools;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace CodeForge.Mcp.Client;

/// <summary>
/// Turns an MCP <see cref="CallToolResult"/> into a <see cref="ToolResult"/>: text blocks joined by newlines, other blocks
/// (images, audio, resources) described in one bracketed line each, structured content when there is nothing else;
/// <c>isError</c> gives a failed result. Output beyond the budget is cut with a marker that says how much was dropped.
/// </summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class McpResultFormatter
{
    /// <summary>Characters per token used to turn the token budget into characters (a conservative estimate).</summary>
    public const int CharactersPerToken = 4;

    /// <summary>Formats <paramref name="result"/> under a budget of <paramref name="maxOutputTokens"/> (estimated).</summary>
    public static ToolResult Format(CallToolResult result, int maxOutputTokens)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        var images = 0;
        foreach (var block in result.Content)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }
            switch (block)
            {
                case TextContentBlock t:
                    text.Append(t.Text);
                    break;
                case ImageContentBlock image:
                    images++;
                    text.Append(CultureInfo.InvariantCulture, $"[image: {image.MimeType}, {image.Data.Length} base64 bytes; images are not passed to the model yet]");
                    break;
                case AudioContentBlock audio:
                    text.Append(CultureInfo.InvariantCulture, $"[audio: {audio.MimeType}, {audio.Data.Length} base64 bytes]");
                    break;
                case EmbeddedResourceBlock { Resource: TextResourceContents r }:
                    text.Append(CultureInfo.InvariantCulture, $"[resource {r.Uri}]\n{r.Text}");
                    break;
                case EmbeddedResourceBlock { Resource: { } r }:
                    text.Append(CultureInfo.InvariantCulture, $"[resource {r.Uri} ({r.MimeType ?? "binary"})]");
                    break;
                case ResourceLinkBlock link:
                    text.Append(CultureInfo.InvariantCulture, $"[resource link: {link.Name} {link.Uri}]");
                    break;
                default:
                    text.Append(CultureInfo.InvariantCulture, $"[{block.Type} content]");
                    break;
            }
        }
        if (text.Length == 0 && result.StructuredContent is { } structured)
        {
            text.Append(structured.GetRawText());
        }
        var output = Truncate(text.ToString(), maxOutputTokens);
        var metadata = new Dictionary<string, object?> { ["mcp_images"] = images };
        if (result.IsError == true)
        {
            return ToolResult.Fail(output.Length == 0 ? "The MCP tool reported an error without a message." : output, metadata);
        }
        return ToolResult.Ok(output, metadata);
    }

    /// <summary>Cuts <paramref name="text"/> to the budget, ending with a marker naming what was dropped and the setting.</summary>
    public static string Truncate(string text, int maxOutputTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxOutputTokens);
        var maxChars = (long)maxOutputTokens * CharactersPerToken;
        if (text.Length <= maxChars)
        {
            return text;
        }
        var keep = (int)maxChars;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{text.AsSpan(0, keep)}\n\n[MCP output truncated: {text.Length - keep} of {text.Length} characters dropped; the limit is about {maxOutputTokens} tokens (MAX_MCP_OUTPUT_TOKENS)]");
    }

    /// <summary>The text of an MCP error, for a failed result.</summary>
    internal static string Describe(McpException ex) => ex is McpProtocolException p ? $"{p.Message} (JSON-RPC error {(int)p.ErrorCode})" : ex.Message;
}
