using System.Text.Json;
using CodeForge.Cli.Headless;
using CodeForge.Cli.Runtime;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;
using CodeForge.Mcp.Client;
using CodeForge.Providers;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// What the SDK is told about the session, in Claude Code's shapes: the <c>system/init</c> line, the <c>initialize</c>
/// answer (commands, agents, models, output styles), the <c>mcp_status</c> answer and the per-turn <c>result</c>.
/// </summary>
/// <remarks>Stateless; reads the runtime's thread-safe snapshots (registry, MCP statuses, skills, commands, plugins).</remarks>
internal static class SdkDescriptions
{
    public static void WriteInit(ControlChannel channel, ForgeRuntime runtime, IEnumerable<McpServerStatus> mcp, string version)
    {
        var lists = InitLists.From(runtime) with { McpServers = [.. mcp] };
        channel.WriteLine(w =>
        {
            w.WriteString("type", "system");
            w.WriteString("subtype", "init");
            w.WriteString("cwd", runtime.WorkingDirectory);
            w.WriteString("session_id", runtime.Session.Id);
            Strings(w, "tools", runtime.Registry.ListNames());
            lists.WriteMcpServers(w);
            w.WriteString("model", runtime.Provider.Model);
            w.WriteString("permissionMode", runtime.PermissionMode.ToSettingsName());
            w.WriteString("apiKeySource", "none");
            w.WriteString("claude_code_version", version);
            w.WriteString("forge_version", version);
            w.WriteString("output_style", runtime.CurrentSettings.OutputStyle ?? "default");
            lists.WriteNames(w);
            TrustJson.Write(w, runtime.Trust);
            DiagnosticJson.WriteArray(w, "diagnostics", runtime.Diagnostics.Reported);
            DiagnosticJson.WriteArray(w, "plugin_problems", runtime.PluginProblems);
            w.WriteString("uuid", Guid.NewGuid().ToString());
        });
    }

    /// <summary>The fields every <c>initialize</c> answer has (the caller adds the <c>*_applied</c> flags).</summary>
    public static void WriteInitializeResponse(Utf8JsonWriter w, ForgeRuntime runtime)
    {
        w.WriteStartArray("commands");
        foreach (var (name, description, hint) in SlashCommands(runtime))
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("description", description);
            w.WriteString("argumentHint", hint ?? "");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("agents");
        foreach (var a in Agents(runtime))
        {
            w.WriteStartObject();
            w.WriteString("name", a.Name);
            w.WriteString("description", a.Description);
            if (a.Model is { } model)
            {
                w.WriteString("model", model);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("output_style", runtime.CurrentSettings.OutputStyle ?? "default");
        Strings(w, "available_output_styles", CodeForge.Core.Agent.OutputStyles.BuiltIn.Select(s => s.Name));
        w.WriteStartArray("models");
        foreach (var alias in ModelCatalog.Aliases.Where(a => a.Provider == runtime.Provider.Kind))
        {
            w.WriteStartObject();
            w.WriteString("value", alias.Alias);
            w.WriteString("resolvedModel", alias.ModelId);
            w.WriteString("displayName", alias.Alias);
            w.WriteString("description", alias.ModelId);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("account");
        w.WriteString("apiProvider", runtime.Provider.Kind.ToString().ToLowerInvariant());
        w.WriteEndObject();
        w.WriteNumber("pid", Environment.ProcessId);
        w.WriteString("claude_code_version", Program.InformationalVersion);
    }

    public static void WriteMcpStatus(Utf8JsonWriter w, IEnumerable<McpServerStatus> statuses)
    {
        w.WriteStartArray("mcpServers");
        foreach (var s in statuses)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("status", Status(s.State));
            if (s.Error is { } error)
            {
                w.WriteString("error", error);
            }
            w.WriteStartArray("tools");
            foreach (var t in s.Tools)
            {
                w.WriteStartObject();
                w.WriteString("name", t.ServerToolName);
                w.WriteString("description", t.Description);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Claude Code's per-turn <c>result</c> (SDKResultSuccess / SDKResultError), with <c>structured_output</c>.</summary>
    public static void WriteResult(Utf8JsonWriter w, RunSummary s, string subtype, JsonElement? structuredOutput)
    {
        w.WriteString("type", "result");
        w.WriteString("subtype", subtype);
        w.WriteBoolean("is_error", s.IsError);
        w.WriteNumber("duration_ms", s.DurationMs);
        w.WriteNumber("duration_api_ms", s.DurationApiMs);
        w.WriteNumber("num_turns", s.NumTurns);
        w.WriteString("result", s.Result);
        if (s.IsError)
        {
            w.WriteStartArray("errors");
            w.WriteStringValue(s.Error ?? (s.Reason == AgentStopReason.Cancelled ? "Interrupted" : "the turn failed"));
            w.WriteEndArray();
        }
        w.WriteString("stop_reason", s.Reason == AgentStopReason.Completed ? "end_turn" : null);
        w.WriteString("session_id", s.SessionId);
        w.WriteNumber("total_cost_usd", s.TotalCostUsd);
        StreamJsonWriter.WriteUsage(w, s.InputTokens, s.OutputTokens, s.CachedInputTokens, s.ReasoningTokens, s.CacheWriteTokens);
        StreamJsonWriter.WriteModelUsage(w, s.ModelUsage);
        w.WriteStartArray("permission_denials");
        foreach (var (tool, id, reason) in s.PermissionDenials)
        {
            w.WriteStartObject();
            w.WriteString("tool_name", tool);
            w.WriteString("tool_use_id", id);
            w.WriteString("reason", reason);
            w.WriteStartObject("tool_input");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (structuredOutput is { } value)
        {
            w.WritePropertyName("structured_output");
            value.WriteTo(w);
        }
        w.WriteString("uuid", Guid.NewGuid().ToString());
    }

    private static string Status(McpServerState state) => InitLists.Status(state);

    private static IEnumerable<(string Name, string Description, string? Hint)> SlashCommands(ForgeRuntime runtime) =>
        runtime.Commands.Select(c => (c.Name, c.Description, c.ArgumentHint))
            .Concat(runtime.Skills.Select(s => (s.Metadata.Name, s.Metadata.Description, (string?)null)))
            .DistinctBy(c => c.Item1, StringComparer.Ordinal);

    private static System.Collections.Immutable.ImmutableArray<AgentDefinition> Agents(ForgeRuntime runtime) =>
        runtime.AgentCatalog.Agents;

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }
}
