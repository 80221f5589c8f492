using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CodeForge.Testing.Wire;

/// <summary>
/// OpenAI Responses (<c>POST /v1/responses</c>): a JSON <c>response</c> object, or the SSE event sequence
/// <c>response.created</c>, <c>response.in_progress</c>, then per output item <c>response.output_item.added</c>, its
/// deltas (<c>response.reasoning_summary_part.added</c> / <c>response.reasoning_summary_text.delta</c> / <c>.done</c>,
/// <c>response.content_part.added</c> / <c>response.output_text.delta</c> / <c>.done</c>,
/// <c>response.function_call_arguments.delta</c> / <c>.done</c>) and <c>response.output_item.done</c>, and finally
/// <c>response.completed</c> carrying the whole response with its usage. Every event has <c>type</c> and
/// <c>sequence_number</c>. Errors before the stream are <c>{"error":{"message","type","param","code"}}</c> as for Chat
/// Completions; the in-stream error is <c>event: error</c>.
/// </summary>
/// <remarks>A scripted turn's <see cref="ScriptedTurn.Thinking"/> become reasoning items that open the output: the
/// thinking's text is the item's summary (empty text: no summary part), its signature the item's
/// <c>encrypted_content</c> (sent only when the request asked for <c>reasoning.encrypted_content</c> in
/// <c>include</c>, as the real API does). Usage: <c>input_tokens</c> is the whole prompt with
/// <c>input_tokens_details.cached_tokens</c>, and <c>output_tokens_details.reasoning_tokens</c>.</remarks>
internal sealed class OpenAIResponsesWire : WireProtocol
{
    public static OpenAIResponsesWire Instance { get; } = new();

    private const long Created = 1_767_225_600; // 2026-01-01T00:00:00Z
    private const string ResponseId = "resp_fake";

    public override bool HasApiKey(HttpRequest request, string expectedKey) => OpenAIWire.Instance.HasApiKey(request, expectedKey);

    public override Task WriteErrorAsync(HttpContext context, ScriptedFault fault, string model, CancellationToken ct) =>
        OpenAIWire.Instance.WriteErrorAsync(context, fault, model, ct);

    public override Task WriteResponseAsync(HttpContext context, ScriptedTurn turn, string model, CancellationToken ct)
    {
        var request = RequestShape.Of(context);
        var body = Json(w => WriteResponse(w, turn, turn.ResponseModel ?? model, request, "completed", withOutput: true));
        return WriteBodyAsync(context, 200, "application/json", body, ct);
    }

    public override async Task WriteStreamAsync(HttpContext context, ScriptedTurn turn, string model, CancellationToken ct)
    {
        var request = RequestShape.Of(context);
        var responseModel = turn.ResponseModel ?? model;
        var sequence = 0;
        string Event(string type, Action<Utf8JsonWriter> write) =>
            $"event: {type}\ndata: " + Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WriteNumber("sequence_number", sequence++);
                write(w);
                w.WriteEndObject();
            }) + "\n\n";

        StartStream(context, "text/event-stream; charset=utf-8", turn);
        await SendAsync(context, Event("response.created", w =>
        {
            w.WritePropertyName("response");
            WriteResponse(w, turn, responseModel, request, "in_progress", withOutput: false);
        }), ct).ConfigureAwait(false);
        await SendAsync(context, Event("response.in_progress", w =>
        {
            w.WritePropertyName("response");
            WriteResponse(w, turn, responseModel, request, "in_progress", withOutput: false);
        }), ct).ConfigureAwait(false);

        var outputIndex = 0;
        for (var r = 0; r < turn.Thinking.Count; r++)
        {
            var thinking = turn.Thinking[r];
            var itemId = ReasoningId(r);
            var index = outputIndex++;
            await SendAsync(context, Event("response.output_item.added", w =>
            {
                w.WriteNumber("output_index", index);
                w.WritePropertyName("item");
                WriteReasoningItem(w, thinking, itemId, request, done: false);
            }), ct).ConfigureAwait(false);
            if (thinking.Text.Length > 0)
            {
                await SendAsync(context, Event("response.reasoning_summary_part.added", w =>
                {
                    WriteItemRef(w, itemId, index);
                    w.WriteNumber("summary_index", 0);
                    WriteSummaryPart(w, "part", "");
                }), ct).ConfigureAwait(false);
                foreach (var piece in Fragments(thinking.Text, turn.ChunkSize))
                {
                    await SendAsync(context, Event("response.reasoning_summary_text.delta", w =>
                    {
                        WriteItemRef(w, itemId, index);
                        w.WriteNumber("summary_index", 0);
                        w.WriteString("delta", piece);
                    }), ct).ConfigureAwait(false);
                }
                await SendAsync(context, Event("response.reasoning_summary_text.done", w =>
                {
                    WriteItemRef(w, itemId, index);
                    w.WriteNumber("summary_index", 0);
                    w.WriteString("text", thinking.Text);
                }), ct).ConfigureAwait(false);
                await SendAsync(context, Event("response.reasoning_summary_part.done", w =>
                {
                    WriteItemRef(w, itemId, index);
                    w.WriteNumber("summary_index", 0);
                    WriteSummaryPart(w, "part", thinking.Text);
                }), ct).ConfigureAwait(false);
            }
            await SendAsync(context, Event("response.output_item.done", w =>
            {
                w.WriteNumber("output_index", index);
                w.WritePropertyName("item");
                WriteReasoningItem(w, thinking, itemId, request, done: true);
            }), ct).ConfigureAwait(false);
        }

        if (turn.Text is not null || turn.Fault is not null)
        {
            var index = outputIndex++;
            await SendAsync(context, Event("response.output_item.added", w =>
            {
                w.WriteNumber("output_index", index);
                w.WritePropertyName("item");
                WriteMessageItem(w, null);
            }), ct).ConfigureAwait(false);
            await SendAsync(context, Event("response.content_part.added", w =>
            {
                WriteItemRef(w, MessageId, index);
                w.WriteNumber("content_index", 0);
                w.WritePropertyName("part");
                WriteTextPart(w, "");
            }), ct).ConfigureAwait(false);
            foreach (var piece in Fragments(turn.Text ?? "", turn.ChunkSize))
            {
                await SendAsync(context, Event("response.output_text.delta", w =>
                {
                    WriteItemRef(w, MessageId, index);
                    w.WriteNumber("content_index", 0);
                    w.WriteString("delta", piece);
                    w.WriteStartArray("logprobs");
                    w.WriteEndArray();
                }), ct).ConfigureAwait(false);
            }
            switch (turn.Fault?.Kind)
            {
                case FaultKind.DropConnection:
                    await DropAsync(context, ct).ConfigureAwait(false);
                    return;
                case FaultKind.ErrorMidStream:
                    await SendAsync(context, Event("error", w =>
                    {
                        w.WriteString("code", "server_error");
                        w.WriteString("message", "The server had an error while processing your request. Sorry about that!");
                        w.WriteNull("param");
                    }), ct).ConfigureAwait(false);
                    return;
                default:
                    break;
            }
            await SendAsync(context, Event("response.output_text.done", w =>
            {
                WriteItemRef(w, MessageId, index);
                w.WriteNumber("content_index", 0);
                w.WriteString("text", turn.Text ?? "");
                w.WriteStartArray("logprobs");
                w.WriteEndArray();
            }), ct).ConfigureAwait(false);
            await SendAsync(context, Event("response.content_part.done", w =>
            {
                WriteItemRef(w, MessageId, index);
                w.WriteNumber("content_index", 0);
                w.WritePropertyName("part");
                WriteTextPart(w, turn.Text ?? "");
            }), ct).ConfigureAwait(false);
            await SendAsync(context, Event("response.output_item.done", w =>
            {
                w.WriteNumber("output_index", index);
                w.WritePropertyName("item");
                WriteMessageItem(w, turn.Text ?? "");
            }), ct).ConfigureAwait(false);
        }

        for (var c = 0; c < turn.ToolCalls.Count; c++)
        {
            var call = turn.ToolCalls[c];
            var callNumber = c;
            var index = outputIndex++;
            await SendAsync(context, Event("response.output_item.added", w =>
            {
                w.WriteNumber("output_index", index);
                w.WritePropertyName("item");
                WriteFunctionCallItem(w, call, callNumber, "");
            }), ct).ConfigureAwait(false);
            foreach (var piece in Fragments(call.ArgumentsJson, turn.ChunkSize))
            {
                await SendAsync(context, Event("response.function_call_arguments.delta", w =>
                {
                    WriteItemRef(w, FunctionItemId(callNumber), index);
                    w.WriteString("delta", piece);
                }), ct).ConfigureAwait(false);
            }
            await SendAsync(context, Event("response.function_call_arguments.done", w =>
            {
                WriteItemRef(w, FunctionItemId(callNumber), index);
                w.WriteString("arguments", call.ArgumentsJson);
            }), ct).ConfigureAwait(false);
            await SendAsync(context, Event("response.output_item.done", w =>
            {
                w.WriteNumber("output_index", index);
                w.WritePropertyName("item");
                WriteFunctionCallItem(w, call, callNumber, null);
            }), ct).ConfigureAwait(false);
        }

        await SendAsync(context, Event("response.completed", w =>
        {
            w.WritePropertyName("response");
            WriteResponse(w, turn, responseModel, request, "completed", withOutput: true);
        }), ct).ConfigureAwait(false);
    }

    private const string MessageId = "msg_fake";

    private static string ReasoningId(int index) => $"rs_fake_{index + 1}";

    private static string FunctionItemId(int index) => $"fc_fake_{index + 1}";

    private static string CallId(ScriptedToolCall call, int index) => call.Id ?? $"call_{index + 1}";

    private static void WriteItemRef(Utf8JsonWriter w, string itemId, int outputIndex)
    {
        w.WriteString("item_id", itemId);
        w.WriteNumber("output_index", outputIndex);
    }

    private static void WriteSummaryPart(Utf8JsonWriter w, string name, string text)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "summary_text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void WriteTextPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "output_text");
        w.WriteStartArray("annotations");
        w.WriteEndArray();
        w.WriteStartArray("logprobs");
        w.WriteEndArray();
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void WriteReasoningItem(Utf8JsonWriter w, ScriptedThinking thinking, string id, RequestShape request, bool done)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("type", "reasoning");
        w.WriteStartArray("summary");
        if (done && thinking.Text.Length > 0)
        {
            w.WriteStartObject();
            w.WriteString("type", "summary_text");
            w.WriteString("text", thinking.Text);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (request.IncludesEncryptedReasoning && thinking.Signature.Length > 0)
        {
            w.WriteString("encrypted_content", thinking.Signature);
        }
        w.WriteEndObject();
    }

    private static void WriteMessageItem(Utf8JsonWriter w, string? text)
    {
        w.WriteStartObject();
        w.WriteString("id", MessageId);
        w.WriteString("type", "message");
        w.WriteString("status", text is null ? "in_progress" : "completed");
        w.WriteStartArray("content");
        if (text is not null)
        {
            WriteTextPart(w, text);
        }
        w.WriteEndArray();
        w.WriteString("role", "assistant");
        w.WriteEndObject();
    }

    private static void WriteFunctionCallItem(Utf8JsonWriter w, ScriptedToolCall call, int index, string? partialArguments)
    {
        w.WriteStartObject();
        w.WriteString("id", FunctionItemId(index));
        w.WriteString("type", "function_call");
        w.WriteString("status", partialArguments is null ? "completed" : "in_progress");
        w.WriteString("arguments", partialArguments ?? call.ArgumentsJson);
        w.WriteString("call_id", CallId(call, index));
        w.WriteString("name", call.Name);
        w.WriteEndObject();
    }

    private static void WriteResponse(Utf8JsonWriter w, ScriptedTurn turn, string model, RequestShape request, string status, bool withOutput)
    {
        w.WriteStartObject();
        w.WriteString("id", ResponseId);
        w.WriteString("object", "response");
        w.WriteNumber("created_at", Created);
        w.WriteString("status", status);
        w.WriteBoolean("background", false);
        w.WriteNull("error");
        w.WriteNull("incomplete_details");
        w.WriteNull("instructions");
        w.WriteNull("max_output_tokens");
        w.WriteString("model", model);
        w.WriteStartArray("output");
        if (withOutput)
        {
            for (var r = 0; r < turn.Thinking.Count; r++)
            {
                WriteReasoningItem(w, turn.Thinking[r], ReasoningId(r), request, done: true);
            }
            if (turn.Text is not null)
            {
                WriteMessageItem(w, turn.Text);
            }
            for (var c = 0; c < turn.ToolCalls.Count; c++)
            {
                WriteFunctionCallItem(w, turn.ToolCalls[c], c, null);
            }
        }
        w.WriteEndArray();
        w.WriteBoolean("parallel_tool_calls", true);
        w.WriteNull("previous_response_id");
        if (request.PromptCacheKey is { } key)
        {
            w.WriteString("prompt_cache_key", key);
        }
        w.WriteStartObject("reasoning");
        if (request.Effort is { } effort)
        {
            w.WriteString("effort", effort);
        }
        else
        {
            w.WriteNull("effort");
        }
        w.WriteNull("summary");
        w.WriteEndObject();
        w.WriteBoolean("store", request.Store);
        w.WriteNumber("temperature", 1.0);
        w.WriteStartObject("text");
        w.WriteStartObject("format");
        w.WriteString("type", "text");
        w.WriteEndObject();
        w.WriteString("verbosity", "medium");
        w.WriteEndObject();
        w.WriteString("tool_choice", "auto");
        w.WriteStartArray("tools");
        w.WriteEndArray();
        w.WriteNumber("top_p", 1.0);
        w.WriteString("truncation", "disabled");
        if (status == "completed")
        {
            var usage = turn.Usage;
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", usage.InputTokens);
            w.WriteStartObject("input_tokens_details");
            w.WriteNumber("cached_tokens", usage.CachedInputTokens);
            w.WriteEndObject();
            w.WriteNumber("output_tokens", usage.OutputTokens);
            w.WriteStartObject("output_tokens_details");
            w.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
            w.WriteEndObject();
            w.WriteNumber("total_tokens", usage.InputTokens + usage.OutputTokens);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("usage");
        }
        w.WriteNull("user");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>What of the request the response echoes or depends on.</summary>
    private sealed record RequestShape(bool Store, bool IncludesEncryptedReasoning, string? Effort, string? PromptCacheKey)
    {
        public static RequestShape Of(HttpContext context)
        {
            var json = context.Items[FakeModelServer.RequestItemKey] is RecordedRequest recorded ? recorded.Json : default;
            if (json.ValueKind != JsonValueKind.Object)
            {
                return new(true, false, null, null);
            }
            var store = !json.TryGetProperty("store", out var s) || s.ValueKind != JsonValueKind.False;
            var include = json.TryGetProperty("include", out var i) && i.ValueKind == JsonValueKind.Array &&
                i.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString() == "reasoning.encrypted_content");
            var effort = json.TryGetProperty("reasoning", out var r) && r.ValueKind == JsonValueKind.Object &&
                r.TryGetProperty("effort", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            var key = json.TryGetProperty("prompt_cache_key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            return new(store, include, effort, key);
        }
    }
}
