using System.Text;
using System.Text.Json;

namespace CodeForge.Cli.StreamJson;

/// <summary>One JSON line read from stdin in <c>--input-format stream-json</c> (the Agent SDK's direction, SDK → CLI).</summary>
internal abstract record InboundMessage
{
    /// <summary>Parses one line. Never throws: a line that is not what the protocol allows becomes <see cref="MalformedLine"/>
    /// naming the line number and why.</summary>
    public static InboundMessage Parse(string line, long lineNumber)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return new MalformedLine(lineNumber, $"stdin line {lineNumber} is not JSON: {ex.Message}", line);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new MalformedLine(lineNumber, $"stdin line {lineNumber} is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, expected an object with a \"type\"", line);
        }
        var type = String(root, "type");
        switch (type)
        {
            case "user":
                if (!root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content))
                {
                    return new MalformedLine(lineNumber, $"stdin line {lineNumber}: a \"user\" message needs \"message\": {{\"role\":\"user\",\"content\":...}}", line);
                }
                if (!TryReadContent(content, out var text, out var problem))
                {
                    return new MalformedLine(lineNumber, $"stdin line {lineNumber}: {problem}", line);
                }
                return new UserTurn(text, root);
            case "control_request":
                var id = String(root, "request_id");
                if (id is null || !root.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object)
                {
                    return new MalformedLine(lineNumber, $"stdin line {lineNumber}: a control_request needs \"request_id\" and a \"request\" object", line);
                }
                return new ControlRequest(id, String(request, "subtype") ?? "", request);
            case "control_response":
                if (!root.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object || String(response, "request_id") is not { } rid)
                {
                    return new MalformedLine(lineNumber, $"stdin line {lineNumber}: a control_response needs a \"response\" object with \"request_id\"", line);
                }
                var success = String(response, "subtype") == "success";
                return new ControlResponse(rid, success,
                    success && response.TryGetProperty("response", out var payload) ? payload : default,
                    success ? null : String(response, "error") ?? "the SDK answered with an error");
            case "control_cancel_request":
                return String(root, "request_id") is { } cancelled ? new ControlCancel(cancelled) : new MalformedLine(lineNumber, $"stdin line {lineNumber}: a control_cancel_request needs \"request_id\"", line);
            case "keep_alive":
                return new KeepAlive();
            case null:
                return new MalformedLine(lineNumber, $"stdin line {lineNumber} has no string \"type\"", line);
            default:
                return new MalformedLine(lineNumber, $"stdin line {lineNumber} has an unknown type '{type}' (expected user, control_request, control_response, control_cancel_request or keep_alive)", line);
        }
    }

    /// <summary>The text of a user message's content: a string, or the text of its <c>text</c> blocks.</summary>
    private static bool TryReadContent(JsonElement content, out string text, out string? problem)
    {
        problem = null;
        if (content.ValueKind == JsonValueKind.String)
        {
            text = content.GetString()!;
            return true;
        }
        text = "";
        if (content.ValueKind != JsonValueKind.Array)
        {
            problem = "the user message's \"content\" must be a string or an array of content blocks";
            return false;
        }
        var builder = new StringBuilder();
        foreach (var block in content.EnumerateArray())
        {
            var blockType = block.ValueKind == JsonValueKind.Object ? String(block, "type") : null;
            switch (blockType)
            {
                case "text":
                    if (builder.Length > 0)
                    {
                        builder.Append('\n');
                    }
                    builder.Append(String(block, "text"));
                    break;
                default:
                    problem = $"content block type '{blockType ?? block.ValueKind.ToString()}' is not supported by forge (text blocks only)";
                    return false;
            }
        }
        text = builder.ToString();
        return true;
    }

    internal static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>A user turn: the text to send, and the whole line (echoed with <c>--replay-user-messages</c>).</summary>
internal sealed record UserTurn(string Text, JsonElement Raw) : InboundMessage;

/// <summary>A request of the SDK: answered with a <c>control_response</c> carrying the same id.</summary>
internal sealed record ControlRequest(string RequestId, string Subtype, JsonElement Request) : InboundMessage;

/// <summary>The SDK's answer to a request forge made (<c>can_use_tool</c>, <c>hook_callback</c>, <c>mcp_message</c>).</summary>
internal sealed record ControlResponse(string RequestId, bool Success, JsonElement Response, string? Error) : InboundMessage;

/// <summary>The SDK withdrew one of its own requests.</summary>
internal sealed record ControlCancel(string RequestId) : InboundMessage;

/// <summary>A keep-alive: nothing to do.</summary>
internal sealed record KeepAlive : InboundMessage;

/// <summary>A line that is not a protocol message: reported as an error event, the session goes on.</summary>
internal sealed record MalformedLine(long LineNumber, string Reason, string Line) : InboundMessage;
