using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CodeForge.Testing.Wire;

/// <summary>OpenAI Chat Completions: JSON <c>chat.completion</c> and SSE <c>chat.completion.chunk</c> events ending in
/// <c>data: [DONE]</c>; errors as <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed class OpenAIWire : WireProtocol
{
    public static OpenAIWire Instance { get; } = new();

    private const long Created = 1_767_225_600; // 2026-01-01T00:00:00Z

    public override bool HasApiKey(HttpRequest request, string expectedKey) =>
        string.Equals(request.Headers.Authorization.ToString(), "Bearer " + expectedKey, StringComparison.Ordinal);

    public override Task WriteResponseAsync(HttpContext context, ScriptedTurn turn, string model, CancellationToken ct)
    {
        var body = Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", "chatcmpl-fake");
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", Created);
            w.WriteString("model", turn.ResponseModel ?? model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            if (turn.Text is null)
            {
                w.WriteNull("content");
            }
            else
            {
                w.WriteString("content", turn.Text);
            }
            w.WriteNull("refusal");
            if (turn.ToolCalls.Count > 0)
            {
                w.WriteStartArray("tool_calls");
                for (var i = 0; i < turn.ToolCalls.Count; i++)
                {
                    var call = turn.ToolCalls[i];
                    w.WriteStartObject();
                    w.WriteString("id", CallId(call, i));
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", call.Name);
                    w.WriteString("arguments", call.ArgumentsJson);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteString("finish_reason", FinishReason(turn));
            w.WriteEndObject();
            w.WriteEndArray();
            WriteUsage(w, turn.Usage);
            w.WriteEndObject();
        });
        return WriteBodyAsync(context, 200, "application/json", body, ct);
    }

    public override async Task WriteStreamAsync(HttpContext context, ScriptedTurn turn, string model, CancellationToken ct)
    {
        var responseModel = turn.ResponseModel ?? model;
        StartStream(context, "text/event-stream", turn);
        await SendAsync(context, Chunk(responseModel, w =>
        {
            w.WriteString("role", "assistant");
            w.WriteString("content", "");
            w.WriteNull("refusal");
        }, finishReason: null), ct).ConfigureAwait(false);

        foreach (var piece in Fragments(turn.Text ?? "", turn.ChunkSize))
        {
            await SendAsync(context, Chunk(responseModel, w => w.WriteString("content", piece), null), ct).ConfigureAwait(false);
        }

        switch (turn.Fault?.Kind)
        {
            case FaultKind.DropConnection:
                await DropAsync(context, ct).ConfigureAwait(false);
                return;
            case FaultKind.ErrorMidStream:
                await SendAsync(context, "data: " + ErrorBody("The server is overloaded, please try again later.",
                    "server_error", null) + "\n\n", ct).ConfigureAwait(false);
                return;
            default:
                break;
        }

        foreach (var (index, fragment, isFirst) in ToolCallFragments(turn))
        {
            var call = turn.ToolCalls[index];
            await SendAsync(context, Chunk(responseModel, w =>
            {
                w.WriteStartArray("tool_calls");
                w.WriteStartObject();
                w.WriteNumber("index", index);
                if (isFirst)
                {
                    w.WriteString("id", CallId(call, index));
                    w.WriteString("type", "function");
                }
                w.WriteStartObject("function");
                if (isFirst)
                {
                    w.WriteString("name", call.Name);
                }
                w.WriteString("arguments", fragment);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }, null), ct).ConfigureAwait(false);
        }

        await SendAsync(context, Chunk(responseModel, _ => { }, FinishReason(turn)), ct).ConfigureAwait(false);
        // The usage chunk: no choices, only usage (sent when the request set stream_options.include_usage; the
        // OpenAI SDK always does, and a client that did not ask simply ignores it).
        await SendAsync(context, "data: " + Json(w =>
        {
            w.WriteStartObject();
            WriteChunkHeader(w, responseModel);
            w.WriteStartArray("choices");
            w.WriteEndArray();
            WriteUsage(w, turn.Usage);
            w.WriteEndObject();
        }) + "\n\n", ct).ConfigureAwait(false);
        await SendAsync(context, "data: [DONE]\n\n", ct).ConfigureAwait(false);
    }

    public override Task WriteErrorAsync(HttpContext context, ScriptedFault fault, string model, CancellationToken ct)
    {
        var (status, message, type, code) = fault.Kind switch
        {
            FaultKind.RateLimited => (429, $"Rate limit reached for {model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.", "requests", "rate_limit_exceeded"),
            FaultKind.ServerError => (fault.StatusCode ?? 500, "The server had an error while processing your request. Sorry about that!", "server_error", (string?)null),
            FaultKind.Overloaded or FaultKind.ErrorMidStream => (503, "The engine is currently overloaded, please try again later.", "server_error", null),
            FaultKind.Unauthorized => (401, "Incorrect API key provided: sk-fake***. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"),
            FaultKind.ModelNotFound => (404, $"The model `{model}` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"),
            FaultKind.ContextLengthExceeded => (400, "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.", "invalid_request_error", "context_length_exceeded"),
            _ => (fault.StatusCode ?? 400, fault.Message ?? "Invalid request.", "invalid_request_error", null),
        };
        SetRetryAfter(context.Response, fault);
        var param = fault.Kind == FaultKind.ContextLengthExceeded ? "messages" : null;
        return WriteBodyAsync(context, status, "application/json", ErrorBody(message, type, code, param), ct);
    }

    private static string ErrorBody(string message, string type, string? code, string? param = null) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", type);
        if (param is null)
        {
            w.WriteNull("param");
        }
        else
        {
            w.WriteString("param", param);
        }
        if (code is null)
        {
            w.WriteNull("code");
        }
        else
        {
            w.WriteString("code", code);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static IEnumerable<(int Index, string Fragment, bool IsFirst)> ToolCallFragments(ScriptedTurn turn)
    {
        // Each call's first chunk carries id, type, name and empty arguments, like the real API; then the fragments.
        var perCall = turn.ToolCalls
            .Select((c, i) => new[] { (i, "", true) }
                .Concat(Fragments(c.ArgumentsJson, turn.ChunkSize).Select(f => (i, f, false))).ToList())
            .ToList();
        if (!turn.InterleaveToolCalls)
        {
            return perCall.SelectMany(x => x);
        }
        var result = new List<(int, string, bool)>();
        for (var round = 0; perCall.Any(l => round < l.Count); round++)
        {
            result.AddRange(perCall.Where(l => round < l.Count).Select(l => l[round]));
        }
        return result;
    }

    private static string Chunk(string model, Action<Utf8JsonWriter> writeDelta, string? finishReason) => "data: " + Json(w =>
    {
        w.WriteStartObject();
        WriteChunkHeader(w, model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        writeDelta(w);
        w.WriteEndObject();
        w.WriteNull("logprobs");
        if (finishReason is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finishReason);
        }
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNull("usage");
        w.WriteEndObject();
    }) + "\n\n";

    private static void WriteChunkHeader(Utf8JsonWriter w, string model)
    {
        w.WriteString("id", "chatcmpl-fake");
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", Created);
        w.WriteString("model", model);
        w.WriteString("system_fingerprint", "fp_fake");
    }

    private static void WriteUsage(Utf8JsonWriter w, ScriptedUsage usage)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", usage.InputTokens);
        w.WriteNumber("completion_tokens", usage.OutputTokens);
        w.WriteNumber("total_tokens", usage.InputTokens + usage.OutputTokens);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", usage.CachedInputTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string FinishReason(ScriptedTurn turn) => turn.ToolCalls.Count > 0 ? "tool_calls" : "stop";

    private static string CallId(ScriptedToolCall call, int index) => call.Id ?? $"call_{index + 1}";
}
