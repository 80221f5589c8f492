using CodeForge.Cli.Headless;
using CodeForge.Core.Agent;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// Prints one turn's agent events as Claude Code's stream-json lines: <c>assistant</c>, <c>user</c> (tool results),
/// <c>system/compact_boundary</c>, and with <c>--include-partial-messages</c> the <c>stream_event</c> lines of the
/// Anthropic streaming protocol (<c>message_start</c>, <c>content_block_start</c>, <c>content_block_delta</c>
/// with <c>text_delta</c>, <c>content_block_stop</c>, <c>message_delta</c>, <c>message_stop</c>) before each assistant
/// message. Collects what the <c>result</c> line reports.
/// </summary>
/// <remarks>Not thread-safe: one printer per turn, fed in event order by the turn flow. Lines go through the
/// <see cref="ControlChannel"/>'s writer, so they never interleave with control lines.</remarks>
internal sealed class TurnPrinter(ControlChannel channel, StreamJsonWriter events, string sessionId, string model, bool partial)
{
    private readonly List<ToolCallFinished> _pendingResults = [];
    private readonly List<(string, string, string)> _denials = [];
    private TurnFinished? _finished;
    private string? _error;
    private bool _messageOpen;
    private bool _blockOpen;

    public void Print(AgentEvent e)
    {
        switch (e)
        {
            case TextDelta d when partial:
                OpenTextBlock();
                Stream("content_block_delta", w =>
                {
                    w.WriteNumber("index", 0);
                    w.WriteStartObject("delta");
                    w.WriteString("type", "text_delta");
                    w.WriteString("text", d.Text);
                    w.WriteEndObject();
                });
                break;
            case AssistantMessage m:
                CloseMessage(m);
                events.Assistant(m, model);
                break;
            case ToolCallFinished f:
                if (f.Outcome == ToolCallOutcome.Denied)
                {
                    _denials.Add((f.ToolName, f.CallId, f.Result.Error ?? ""));
                }
                _pendingResults.Add(f);
                break;
            case ToolResultsMessage r:
                var order = r.Message.Contents.OfType<FunctionResultContent>().Select(c => c.CallId).ToList();
                events.ToolResults([.. _pendingResults.OrderBy(p => order.IndexOf(p.CallId))]);
                _pendingResults.Clear();
                break;
            case ConversationCompacted c:
                events.CompactBoundary(c.Result);
                break;
            case AgentError err:
                _error = err.Message;
                break;
            case TurnFinished t:
                _finished = t;
                break;
        }
    }

    /// <summary>The turn's summary (usage deltas of this turn, the session's cost so far).</summary>
    public RunSummary Summary(long durationMs, long apiMs, long input, long output, long cached, decimal cost) =>
        new(_finished?.Reason ?? AgentStopReason.Failed, _finished?.FinalText ?? "", sessionId, _finished?.ModelCalls ?? 0, durationMs, apiMs,
            input, output, cached, cost, _denials, _error);

    private void OpenTextBlock()
    {
        if (!_messageOpen)
        {
            _messageOpen = true;
            Stream("message_start", w =>
            {
                w.WriteStartObject("message");
                w.WriteString("id", "msg_" + Guid.NewGuid().ToString("N"));
                w.WriteString("type", "message");
                w.WriteString("role", "assistant");
                w.WriteString("model", model);
                w.WriteStartArray("content");
                w.WriteEndArray();
                w.WriteNull("stop_reason");
                w.WriteStartObject("usage");
                w.WriteNumber("input_tokens", 0);
                w.WriteNumber("output_tokens", 0);
                w.WriteEndObject();
                w.WriteEndObject();
            });
        }
        if (!_blockOpen)
        {
            _blockOpen = true;
            Stream("content_block_start", w =>
            {
                w.WriteNumber("index", 0);
                w.WriteStartObject("content_block");
                w.WriteString("type", "text");
                w.WriteString("text", "");
                w.WriteEndObject();
            });
        }
    }

    private void CloseMessage(AssistantMessage m)
    {
        if (!_messageOpen)
        {
            return;
        }
        if (_blockOpen)
        {
            Stream("content_block_stop", w => w.WriteNumber("index", 0));
        }
        Stream("message_delta", w =>
        {
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", m.Message.Contents.OfType<FunctionCallContent>().Any() ? "tool_use" : "end_turn");
            w.WriteEndObject();
            w.WriteStartObject("usage");
            w.WriteNumber("output_tokens", m.Usage?.OutputTokenCount ?? 0);
            w.WriteEndObject();
        });
        Stream("message_stop", _ => { });
        _messageOpen = false;
        _blockOpen = false;
    }

    private void Stream(string type, Action<System.Text.Json.Utf8JsonWriter> body) => channel.WriteLine(w =>
    {
        w.WriteString("type", "stream_event");
        w.WriteStartObject("event");
        w.WriteString("type", type);
        body(w);
        w.WriteEndObject();
        w.WriteNull("parent_tool_use_id");
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    });
}
