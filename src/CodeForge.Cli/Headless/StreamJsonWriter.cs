using System.Text.Encodings.Web;
using System.Text.Json;
using CodeForge.Cli.Composition;
using CodeForge.Core.Agent;
using CodeForge.Providers;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.Headless;

/// <summary>
/// Writes Claude Code's headless JSON shapes with a <see cref="Utf8JsonWriter"/> (no reflection, AOT-safe): the
/// <c>system/init</c> line, <c>assistant</c> messages with text and <c>tool_use</c> blocks, <c>user</c> messages with
/// <c>tool_result</c> blocks, and the final <c>result</c>.
/// </summary>
/// <remarks>One printer consumes one run's events in order; each line is written whole under a lock, so a retry notice
/// from another flow never splits a line.</remarks>
internal sealed class StreamJsonWriter(TextWriter output, string sessionId)
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly object _gate = new();

    public void Init(string cwd, string model, IEnumerable<string> tools, string permissionMode, string version, CodeForge.Core.Trust.WorkspaceTrust? trust = null,
        IEnumerable<Composition.Diagnostic>? diagnostics = null, IEnumerable<Composition.Diagnostic>? pluginProblems = null,
        IEnumerable<string>? slashCommands = null, IEnumerable<string>? skills = null) => Line(w =>
    {
        w.WriteString("type", "system");
        w.WriteString("subtype", "init");
        w.WriteString("cwd", cwd);
        w.WriteString("session_id", sessionId);
        w.WriteStartArray("tools");
        foreach (var t in tools)
        {
            w.WriteStringValue(t);
        }
        w.WriteEndArray();
        w.WriteStartArray("mcp_servers");
        w.WriteEndArray();
        w.WriteString("model", model);
        w.WriteString("permissionMode", permissionMode);
        w.WriteString("apiKeySource", "environment");
        w.WriteString("forge_version", version);
        // Claude Code's slash_commands and skills (workflows among both), when the caller has them.
        foreach (var (key, names) in new[] { ("slash_commands", slashCommands), ("skills", skills) })
        {
            if (names is not null)
            {
                w.WriteStartArray(key);
                foreach (var n in names)
                {
                    w.WriteStringValue(n);
                }
                w.WriteEndArray();
            }
        }
        TrustJson.Write(w, trust);
        DiagnosticJson.WriteArray(w, "diagnostics", diagnostics ?? []);
        DiagnosticJson.WriteArray(w, "plugin_problems", pluginProblems ?? []);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    });

    /// <summary>A problem found after start-up (<c>system/diagnostic</c>).</summary>
    public void Diagnostic(Composition.Diagnostic d) => Line(w => DiagnosticJson.WriteEvent(w, d, sessionId));

    public void Assistant(AssistantMessage e, string model) => Line(w =>
    {
        w.WriteString("type", "assistant");
        w.WriteStartObject("message");
        w.WriteString("id", e.Message.MessageId ?? "msg_" + Guid.NewGuid().ToString("N"));
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", model);
        w.WriteStartArray("content");
        foreach (var content in e.Message.Contents)
        {
            switch (content)
            {
                // Thinking as Claude Code streams it: the block with its signature, or the redacted block's data.
                case TextReasoningContent { Text.Length: > 0 } thinking:
                    w.WriteStartObject();
                    w.WriteString("type", "thinking");
                    w.WriteString("thinking", thinking.Text);
                    w.WriteString("signature", thinking.ProtectedData ?? "");
                    w.WriteEndObject();
                    break;
                case TextReasoningContent { ProtectedData.Length: > 0 } redacted:
                    w.WriteStartObject();
                    w.WriteString("type", "redacted_thinking");
                    w.WriteString("data", redacted.ProtectedData);
                    w.WriteEndObject();
                    break;
                case TextContent { Text.Length: > 0 } text:
                    w.WriteStartObject();
                    w.WriteString("type", "text");
                    w.WriteString("text", text.Text);
                    w.WriteEndObject();
                    break;
                case FunctionCallContent call:
                    w.WriteStartObject();
                    w.WriteString("type", "tool_use");
                    w.WriteString("id", call.CallId);
                    w.WriteString("name", call.Name);
                    w.WritePropertyName("input");
                    Core.Tools.ToolArguments.ToJson(call.Arguments, AIJsonUtilities.DefaultOptions).WriteTo(w);
                    w.WriteEndObject();
                    break;
            }
        }
        w.WriteEndArray();
        w.WriteString("stop_reason", e.Message.Contents.OfType<FunctionCallContent>().Any() ? "tool_use" : "end_turn");
        WriteUsage(w, e.Usage?.InputTokenCount ?? 0, e.Usage?.OutputTokenCount ?? 0, e.Usage?.CachedInputTokenCount ?? 0,
            cacheWrite: e.Usage?.AdditionalCounts is { } extra && extra.TryGetValue("CacheCreationInputTokens", out var written) ? written : 0);
        w.WriteEndObject();
        w.WriteNull("parent_tool_use_id");
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    });

    /// <summary>Claude Code's compaction line: <c>{"type":"system","subtype":"compact_boundary","compact_metadata":{...}}</c>.</summary>
    public void CompactBoundary(CompactionResult result) => Line(w =>
    {
        w.WriteString("type", "system");
        w.WriteString("subtype", "compact_boundary");
        w.WriteStartObject("compact_metadata");
        w.WriteString("trigger", result.Trigger == CompactionTrigger.Auto ? "auto" : "manual");
        w.WriteNumber("pre_tokens", result.TokensBefore);
        w.WriteNumber("post_tokens", result.TokensAfter);
        w.WriteEndObject();
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    });

    /// <summary>A settings change was applied (forge's own line, additive to Claude Code's shapes):
    /// <c>{"type":"system","subtype":"settings_changed","version":N,"changed":[...],"problems":[{"file","line","severity","message"}],…}</c>.</summary>
    public void SettingsChanged(Core.Config.SettingsChange change) => Line(w => WriteSettingsChanged(w, change, sessionId));

    /// <summary>The fields of a <c>system/settings_changed</c> line (also written by the Agent SDK session).</summary>
    public static void WriteSettingsChanged(Utf8JsonWriter w, Core.Config.SettingsChange change, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(change);
        w.WriteString("type", "system");
        w.WriteString("subtype", "settings_changed");
        w.WriteNumber("version", change.Version);
        w.WriteStartArray("changed");
        foreach (var part in change.Changed)
        {
            w.WriteStringValue(part);
        }
        w.WriteEndArray();
        w.WriteStartArray("problems");
        foreach (var p in change.Problems)
        {
            w.WriteStartObject();
            w.WriteString("severity", p.IsError ? "error" : "warning");
            w.WriteString("file", p.Source.Path);
            w.WriteNumber("line", p.Line);
            w.WriteString("key", p.Key);
            w.WriteString("message", p.Message);
            w.WriteString("text", p.ToString());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    }

    public void ToolResults(IReadOnlyList<ToolCallFinished> finished) => Line(w =>
    {
        w.WriteString("type", "user");
        w.WriteStartObject("message");
        w.WriteString("role", "user");
        w.WriteStartArray("content");
        foreach (var f in finished)
        {
            w.WriteStartObject();
            w.WriteString("type", "tool_result");
            w.WriteString("tool_use_id", f.CallId);
            w.WriteString("content", f.Result.ToDisplay());
            w.WriteBoolean("is_error", !f.Result.Success);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNull("parent_tool_use_id");
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    });

    public void Result(RunSummary s) => Line(w => WriteResult(w, s));

    /// <summary>The single result object of <c>--output-format json</c> (same shape as the stream's last line).</summary>
    public static void WriteResult(Utf8JsonWriter w, RunSummary s)
    {
        w.WriteString("type", "result");
        w.WriteString("subtype", s.Subtype);
        w.WriteBoolean("is_error", s.IsError);
        w.WriteNumber("duration_ms", s.DurationMs);
        w.WriteNumber("duration_api_ms", s.DurationApiMs);
        w.WriteNumber("num_turns", s.NumTurns);
        w.WriteString("result", s.Result);
        if (s.Error is not null)
        {
            w.WriteStartArray("errors");
            w.WriteStringValue(s.Error);
            w.WriteEndArray();
        }
        w.WriteString("stop_reason", s.Reason == AgentStopReason.Completed ? "end_turn" : null);
        w.WriteString("session_id", s.SessionId);
        w.WriteNumber("total_cost_usd", s.TotalCostUsd);
        WriteUsage(w, s.InputTokens, s.OutputTokens, s.CachedInputTokens, s.ReasoningTokens, s.CacheWriteTokens);
        WriteModelUsage(w, s.ModelUsage);
        w.WriteStartArray("permission_denials");
        foreach (var (tool, id, reason) in s.PermissionDenials)
        {
            w.WriteStartObject();
            w.WriteString("tool_name", tool);
            w.WriteString("tool_use_id", id);
            w.WriteString("reason", reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("uuid", Guid.NewGuid().ToString());
    }

    public static string ToJson(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Claude Code's (and Anthropic's) <c>usage</c>: <c>input_tokens</c> is the prompt outside the cache, so
    /// <c>input_tokens + cache_read_input_tokens + cache_creation_input_tokens</c> is the whole prompt
    /// (<paramref name="input"/>, as forge counts it).</summary>
    internal static void WriteUsage(Utf8JsonWriter w, long input, long output, long cached, long reasoning = 0, long cacheWrite = 0)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", Math.Max(0, input - cached - cacheWrite));
        w.WriteNumber("output_tokens", output);
        w.WriteNumber("cache_read_input_tokens", cached);
        w.WriteNumber("cache_creation_input_tokens", cacheWrite);
        if (reasoning > 0)
        {
            // forge's addition: the thinking part of output_tokens (priced as output, already in total_cost_usd).
            w.WriteNumber("reasoning_output_tokens", reasoning);
        }
        w.WriteEndObject();
    }

    /// <summary>Claude Code's <c>modelUsage</c>: the session's totals keyed by model (<c>inputTokens</c> outside the
    /// cache, <c>cacheReadInputTokens</c>, <c>cacheCreationInputTokens</c>, <c>costUSD</c>, the model's
    /// <c>contextWindow</c> and <c>maxOutputTokens</c> when forge knows them, else 0).</summary>
    internal static void WriteModelUsage(Utf8JsonWriter w, IReadOnlyDictionary<string, ModelUsage> byModel)
    {
        w.WriteStartObject("modelUsage");
        foreach (var (model, u) in byModel.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var info = ModelCatalog.Find(model);
            w.WriteStartObject(model);
            w.WriteNumber("inputTokens", Math.Max(0, u.InputTokens - u.CachedInputTokens - u.CacheWriteTokens));
            w.WriteNumber("outputTokens", u.OutputTokens);
            if (u.ReasoningTokens > 0)
            {
                w.WriteNumber("thinkingTokens", u.ReasoningTokens);
            }
            w.WriteNumber("cacheReadInputTokens", u.CachedInputTokens);
            w.WriteNumber("cacheCreationInputTokens", u.CacheWriteTokens);
            w.WriteNumber("webSearchRequests", 0);
            w.WriteNumber("costUSD", u.Cost ?? 0m);
            w.WriteNumber("contextWindow", info?.ContextWindow ?? 0);
            w.WriteNumber("maxOutputTokens", info?.MaxOutputTokens ?? 0);
            w.WriteString("costBasis", u.Cost is null ? "unknown" : "list");
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Claude Code's retry notice: <c>{"type":"system","subtype":"api_retry","attempt","max_retries",
    /// "retry_delay_ms","error_status","error",…}</c>.</summary>
    public void ApiRetry(RetryEvent e, int maxAttempts) => Line(w =>
    {
        w.WriteString("type", "system");
        w.WriteString("subtype", "api_retry");
        w.WriteNumber("attempt", e.Attempt);
        w.WriteNumber("max_retries", maxAttempts - 1);
        w.WriteNumber("retry_delay_ms", (long)e.Delay.TotalMilliseconds);
        if (e.Error is ProviderException { StatusCode: { } status })
        {
            w.WriteNumber("error_status", status);
        }
        else
        {
            w.WriteNull("error_status");
        }
        w.WriteString("error", ErrorCategory(e.Error));
        w.WriteString("error_message", e.Error.Message);
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    });

    /// <summary>A <c>--fallback-model</c> switch (<c>system/model_fallback</c>).</summary>
    public void ModelFallback(ModelFallback e) => Line(w => e.Write(w, sessionId));

    internal static string ErrorCategory(Exception error) => error is ProviderException p ? p.Kind switch
    {
        ProviderErrorKind.RateLimited => "rate_limit",
        ProviderErrorKind.ServerUnavailable => "server_error",
        ProviderErrorKind.Network => "connection_error",
        ProviderErrorKind.AuthenticationFailed => "authentication_failed",
        _ => "unknown",
    } : "unknown";

    private void Line(Action<Utf8JsonWriter> body)
    {
        var line = ToJson(body);
        // Retry notices arrive from the agent loop's flow while the printer writes events: one line at a time.
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
