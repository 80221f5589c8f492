using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CodeForge.Testing.Wire;

/// <summary>Ollama <c>/api/chat</c>: one JSON object, or newline-delimited JSON objects when streaming (the last has
/// <c>"done": true</c> and the token counts); errors as <c>{"error":"…"}</c>. Tool calls arrive whole (Ollama does
/// not stream argument fragments); arguments are a JSON object, or a JSON string when the script's are not one.
/// Thinking (a request with <c>think</c>) comes as the message's <c>thinking</c> text, streamed before the content.</summary>
internal sealed class OllamaWire : WireProtocol
{
    public static OllamaWire Instance { get; } = new();

    private const string CreatedAt = "2026-01-01T00:00:00.000000000Z";

    public override bool HasApiKey(HttpRequest request, string expectedKey) => true;

    public override Task WriteResponseAsync(HttpContext context, ScriptedTurn turn, string model, CancellationToken ct) =>
        WriteBodyAsync(context, 200, "application/json; charset=utf-8",
            Line(turn.ResponseModel ?? model, turn.Text ?? "", turn.ToolCalls, turn.Usage, done: true,
                thinking: turn.Thinking.Count > 0 ? string.Concat(turn.Thinking.Select(t => t.Text)) : null).TrimEnd('\n'), ct);

    public override async Task WriteStreamAsync(HttpContext context, ScriptedTurn turn, string model, CancellationToken ct)
    {
        var responseModel = turn.ResponseModel ?? model;
        StartStream(context, "application/x-ndjson", turn);
        foreach (var piece in Fragments(string.Concat(turn.Thinking.Select(t => t.Text)), turn.ChunkSize))
        {
            await SendAsync(context, Line(responseModel, "", [], null, done: false, thinking: piece), ct).ConfigureAwait(false);
        }
        foreach (var piece in Fragments(turn.Text ?? "", turn.ChunkSize))
        {
            await SendAsync(context, Line(responseModel, piece, [], null, done: false), ct).ConfigureAwait(false);
        }
        switch (turn.Fault?.Kind)
        {
            case FaultKind.DropConnection:
                await DropAsync(context, ct).ConfigureAwait(false);
                return;
            case FaultKind.ErrorMidStream:
                await SendAsync(context, Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("error", "server busy, please try again.  maximum pending requests exceeded");
                    w.WriteEndObject();
                }) + "\n", ct).ConfigureAwait(false);
                return;
            default:
                break;
        }
        if (turn.ToolCalls.Count > 0)
        {
            await SendAsync(context, Line(responseModel, "", turn.ToolCalls, null, done: false), ct).ConfigureAwait(false);
        }
        await SendAsync(context, Line(responseModel, "", [], turn.Usage, done: true), ct).ConfigureAwait(false);
    }

    public override Task WriteErrorAsync(HttpContext context, ScriptedFault fault, string model, CancellationToken ct)
    {
        var (status, message) = fault.Kind switch
        {
            FaultKind.RateLimited => (429, "too many requests"),
            FaultKind.ServerError => (fault.StatusCode ?? 500, "an internal error occurred"),
            FaultKind.Overloaded or FaultKind.ErrorMidStream => (503, "server busy, please try again.  maximum pending requests exceeded"),
            FaultKind.Unauthorized => (401, "unauthorized"),
            FaultKind.ModelNotFound => (404, $"model \"{model}\" not found, try pulling it first"),
            FaultKind.ContextLengthExceeded => (400, "the input length exceeds the context length"),
            _ => (fault.StatusCode ?? 400, fault.Message ?? "invalid request"),
        };
        SetRetryAfter(context.Response, fault);
        return WriteBodyAsync(context, status, "application/json; charset=utf-8", Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }), ct);
    }

    private static string Line(string model, string content, IReadOnlyList<ScriptedToolCall> calls, ScriptedUsage? usage, bool done,
        string? thinking = null) =>
        Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteString("created_at", CreatedAt);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", content);
            if (thinking is not null)
            {
                w.WriteString("thinking", thinking);
            }
            if (calls.Count > 0)
            {
                w.WriteStartArray("tool_calls");
                foreach (var call in calls)
                {
                    w.WriteStartObject();
                    w.WriteStartObject("function");
                    w.WriteString("name", call.Name);
                    w.WritePropertyName("arguments");
                    if (IsJsonObject(call.ArgumentsJson))
                    {
                        w.WriteRawValue(call.ArgumentsJson);
                    }
                    else
                    {
                        w.WriteStringValue(call.ArgumentsJson);
                    }
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteBoolean("done", done);
            if (done)
            {
                w.WriteString("done_reason", "stop");
                w.WriteNumber("total_duration", 1_000_000);
                w.WriteNumber("load_duration", 1_000);
                w.WriteNumber("prompt_eval_count", usage?.InputTokens ?? 0);
                w.WriteNumber("prompt_eval_duration", 1_000);
                w.WriteNumber("eval_count", usage?.OutputTokens ?? 0);
                w.WriteNumber("eval_duration", 1_000);
            }
            w.WriteEndObject();
        }) + "\n";
}
