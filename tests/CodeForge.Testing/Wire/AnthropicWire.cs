using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CodeForge.Testing.Wire;

/// <summary>Anthropic Messages: JSON <c>message</c> and the SSE sequence <c>message_start</c>,
/// <c>content_block_start/delta/stop</c> (<c>thinking_delta</c> and <c>signature_delta</c>, <c>text_delta</c>,
/// <c>input_json_delta</c>; <c>redacted_thinking</c> blocks whole), <c>message_delta</c> (with usage),
/// <c>message_stop</c>; errors as <c>{"type":"error","error":{"type","message"},"request_id"}</c>.</summary>
/// <remarks>Tool-call arguments are a JSON object on this wire. In a stream they travel as <c>partial_json</c> text, so
/// malformed arguments arrive malformed; in a JSON response arguments that are not a JSON object are sent as a JSON
/// string instead of an object (which a strict client may reject).</remarks>
internal sealed class AnthropicWire : WireProtocol
{
    public static AnthropicWire Instance { get; } = new();

    /// <summary>The API takes the key as <c>x-api-key</c> or, as the 2026 SDKs send it, <c>Authorization: Bearer</c>.</summary>
    public override bool HasApiKey(HttpRequest request, string expectedKey) =>
        string.Equals(request.Headers["x-api-key"].ToString(), expectedKey, StringComparison.Ordinal) ||
        string.Equals(request.Headers.Authorization.ToString(), "Bearer " + expectedKey, StringComparison.Ordinal);

    public override Task WriteResponseAsync(HttpContext context, ScriptedTurn turn, string model, CancellationToken ct)
    {
        context.Response.Headers["request-id"] = "req_fake";
        var body = Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", "msg_fake");
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", turn.ResponseModel ?? model);
            w.WriteStartArray("content");
            foreach (var thinking in turn.Thinking)
            {
                w.WriteStartObject();
                if (thinking.Redacted)
                {
                    w.WriteString("type", "redacted_thinking");
                    w.WriteString("data", thinking.Text);
                }
                else
                {
                    w.WriteString("type", "thinking");
                    w.WriteString("thinking", thinking.Text);
                    w.WriteString("signature", thinking.Signature);
                }
                w.WriteEndObject();
            }
            if (turn.Text is not null)
            {
                w.WriteStartObject();
                w.WriteString("type", "text");
                w.WriteString("text", turn.Text);
                w.WriteEndObject();
            }
            for (var i = 0; i < turn.ToolCalls.Count; i++)
            {
                var call = turn.ToolCalls[i];
                w.WriteStartObject();
                w.WriteString("type", "tool_use");
                w.WriteString("id", CallId(call, i));
                w.WriteString("name", call.Name);
                w.WritePropertyName("input");
                if (IsJsonObject(call.ArgumentsJson))
                {
                    w.WriteRawValue(call.ArgumentsJson);
                }
                else
                {
                    w.WriteStringValue(call.ArgumentsJson);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("stop_reason", StopReason(turn));
            w.WriteNull("stop_sequence");
            WriteUsage(w, turn.Usage, outputTokens: turn.Usage.OutputTokens);
            w.WriteEndObject();
        });
        return WriteBodyAsync(context, 200, "application/json", body, ct);
    }

    public override async Task WriteStreamAsync(HttpContext context, ScriptedTurn turn, string model, CancellationToken ct)
    {
        context.Response.Headers["request-id"] = "req_fake";
        StartStream(context, "text/event-stream; charset=utf-8", turn);
        await SendAsync(context, Event("message_start", w =>
        {
            w.WriteStartObject("message");
            w.WriteString("id", "msg_fake");
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", turn.ResponseModel ?? model);
            w.WriteStartArray("content");
            w.WriteEndArray();
            w.WriteNull("stop_reason");
            w.WriteNull("stop_sequence");
            // Like the real API: input counts are final at message_start, output_tokens starts small and the final
            // cumulative count comes in message_delta.
            WriteUsage(w, turn.Usage, outputTokens: 1);
            w.WriteEndObject();
        }), ct).ConfigureAwait(false);
        await SendAsync(context, Event("ping", _ => { }), ct).ConfigureAwait(false);

        var index = 0;
        foreach (var thinking in turn.Thinking)
        {
            var thinkingIndex = index++;
            await SendAsync(context, Event("content_block_start", w =>
            {
                w.WriteNumber("index", thinkingIndex);
                w.WriteStartObject("content_block");
                if (thinking.Redacted)
                {
                    w.WriteString("type", "redacted_thinking");
                    w.WriteString("data", thinking.Text);
                }
                else
                {
                    w.WriteString("type", "thinking");
                    w.WriteString("thinking", "");
                    w.WriteString("signature", "");
                }
                w.WriteEndObject();
            }), ct).ConfigureAwait(false);
            if (!thinking.Redacted)
            {
                foreach (var piece in Fragments(thinking.Text, turn.ChunkSize))
                {
                    await SendAsync(context, Event("content_block_delta", w =>
                    {
                        w.WriteNumber("index", thinkingIndex);
                        w.WriteStartObject("delta");
                        w.WriteString("type", "thinking_delta");
                        w.WriteString("thinking", piece);
                        w.WriteEndObject();
                    }), ct).ConfigureAwait(false);
                }
                await SendAsync(context, Event("content_block_delta", w =>
                {
                    w.WriteNumber("index", thinkingIndex);
                    w.WriteStartObject("delta");
                    w.WriteString("type", "signature_delta");
                    w.WriteString("signature", thinking.Signature);
                    w.WriteEndObject();
                }), ct).ConfigureAwait(false);
            }
            await SendAsync(context, Event("content_block_stop", w => w.WriteNumber("index", thinkingIndex)), ct).ConfigureAwait(false);
        }

        var textIndex = index;
        if (turn.Text is not null)
        {
            await SendAsync(context, Event("content_block_start", w =>
            {
                w.WriteNumber("index", textIndex);
                w.WriteStartObject("content_block");
                w.WriteString("type", "text");
                w.WriteString("text", "");
                w.WriteEndObject();
            }), ct).ConfigureAwait(false);
            foreach (var piece in Fragments(turn.Text, turn.ChunkSize))
            {
                await SendAsync(context, Event("content_block_delta", w =>
                {
                    w.WriteNumber("index", textIndex);
                    w.WriteStartObject("delta");
                    w.WriteString("type", "text_delta");
                    w.WriteString("text", piece);
                    w.WriteEndObject();
                }), ct).ConfigureAwait(false);
            }
        }

        switch (turn.Fault?.Kind)
        {
            case FaultKind.DropConnection:
                await DropAsync(context, ct).ConfigureAwait(false);
                return;
            case FaultKind.ErrorMidStream:
                await SendAsync(context, Event("error", w =>
                {
                    w.WriteStartObject("error");
                    w.WriteString("type", "overloaded_error");
                    w.WriteString("message", "Overloaded");
                    w.WriteEndObject();
                }), ct).ConfigureAwait(false);
                return;
            default:
                break;
        }

        if (turn.Text is not null)
        {
            await SendAsync(context, Event("content_block_stop", w => w.WriteNumber("index", textIndex)), ct).ConfigureAwait(false);
            index = textIndex + 1;
        }

        for (var i = 0; i < turn.ToolCalls.Count; i++, index++)
        {
            var call = turn.ToolCalls[i];
            var blockIndex = index;
            await SendAsync(context, Event("content_block_start", w =>
            {
                w.WriteNumber("index", blockIndex);
                w.WriteStartObject("content_block");
                w.WriteString("type", "tool_use");
                w.WriteString("id", CallId(call, i));
                w.WriteString("name", call.Name);
                w.WriteStartObject("input");
                w.WriteEndObject();
                w.WriteEndObject();
            }), ct).ConfigureAwait(false);
            foreach (var piece in Fragments(call.ArgumentsJson, turn.ChunkSize))
            {
                await SendAsync(context, Event("content_block_delta", w =>
                {
                    w.WriteNumber("index", blockIndex);
                    w.WriteStartObject("delta");
                    w.WriteString("type", "input_json_delta");
                    w.WriteString("partial_json", piece);
                    w.WriteEndObject();
                }), ct).ConfigureAwait(false);
            }
            await SendAsync(context, Event("content_block_stop", w => w.WriteNumber("index", blockIndex)), ct).ConfigureAwait(false);
        }

        await SendAsync(context, Event("message_delta", w =>
        {
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", StopReason(turn));
            w.WriteNull("stop_sequence");
            w.WriteEndObject();
            w.WriteStartObject("usage");
            w.WriteNumber("output_tokens", turn.Usage.OutputTokens);
            w.WriteEndObject();
        }), ct).ConfigureAwait(false);
        await SendAsync(context, Event("message_stop", _ => { }), ct).ConfigureAwait(false);
    }

    public override Task WriteErrorAsync(HttpContext context, ScriptedFault fault, string model, CancellationToken ct)
    {
        var (status, type, message) = fault.Kind switch
        {
            FaultKind.RateLimited => (429, "rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute. Please reduce the prompt length or the maximum tokens requested, or try again later."),
            FaultKind.ServerError => (fault.StatusCode ?? 500, "api_error", "Internal server error"),
            FaultKind.Overloaded or FaultKind.ErrorMidStream => (529, "overloaded_error", "Overloaded"),
            FaultKind.Unauthorized => (401, "authentication_error", "invalid x-api-key"),
            FaultKind.ModelNotFound => (404, "not_found_error", $"model: {model}"),
            FaultKind.ContextLengthExceeded => (400, "invalid_request_error", "prompt is too long: 215000 tokens > 200000 maximum"),
            _ => (fault.StatusCode ?? 400, "invalid_request_error", fault.Message ?? "Invalid request."),
        };
        SetRetryAfter(context.Response, fault);
        context.Response.Headers["request-id"] = "req_fake";
        var body = Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "error");
            w.WriteStartObject("error");
            w.WriteString("type", type);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteString("request_id", "req_fake");
            w.WriteEndObject();
        });
        return WriteBodyAsync(context, status, "application/json", body, ct);
    }

    private static string Event(string type, Action<Utf8JsonWriter> writeFields) =>
        $"event: {type}\ndata: " + Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            writeFields(w);
            w.WriteEndObject();
        }) + "\n\n";

    private static void WriteUsage(Utf8JsonWriter w, ScriptedUsage usage, int outputTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", Math.Max(0, usage.InputTokens - usage.CachedInputTokens - usage.CacheWriteTokens));
        w.WriteNumber("cache_creation_input_tokens", usage.CacheWriteTokens);
        w.WriteNumber("cache_read_input_tokens", usage.CachedInputTokens);
        w.WriteNumber("output_tokens", outputTokens);
        w.WriteEndObject();
    }

    private static string StopReason(ScriptedTurn turn) => turn.ToolCalls.Count > 0 ? "tool_use" : "end_turn";

    private static string CallId(ScriptedToolCall call, int index) => call.Id ?? $"toolu_{index + 1:D2}";
}
