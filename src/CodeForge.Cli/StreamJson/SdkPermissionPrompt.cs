using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// <c>--permission-prompt-tool stdio</c>: every tool call the rules leave at "ask" becomes a <c>can_use_tool</c> request to
/// the SDK (its <c>canUseTool</c> callback). <c>allow</c> may replace the input (<c>updatedInput</c>) and add rules or
/// change the mode (<c>updatedPermissions</c>, applied to this session); <c>deny</c>'s <c>message</c> is what the model is
/// told, and <c>interrupt: true</c> also stops the turn.
/// </summary>
/// <remarks>Thread-safe: <see cref="ToolCallGate"/> asks one question at a time; the channel and the checker are
/// thread-safe. An SDK that cannot answer (stdin closed, error answer) denies the call with the reason.</remarks>
internal sealed class SdkPermissionPrompt(ControlChannel channel, PermissionChecker checker, Action interruptTurn) : IPermissionPrompt
{
    public async ValueTask<ToolCallAuthorization> AskAsync(string toolName, JsonElement arguments, PermissionDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        JsonElement answer;
        try
        {
            answer = await channel.RequestAsync("can_use_tool", w =>
            {
                w.WriteString("tool_name", toolName);
                w.WritePropertyName("input");
                if (arguments.ValueKind == JsonValueKind.Object)
                {
                    arguments.WriteTo(w);
                }
                else
                {
                    w.WriteStartObject();
                    w.WriteEndObject();
                }
                WriteSuggestions(w, toolName, arguments);
                w.WriteString("decision_reason", decision.Reason);
                w.WriteString("decision_reason_type", decision.DecidingRule is null ? "mode" : "rule");
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlRequestFailedException ex)
        {
            return ToolCallAuthorization.Deny($"the SDK's permission callback did not answer: {ex.Message}");
        }
        var behavior = InboundMessage.String(answer, "behavior");
        if (behavior == "allow")
        {
            ApplyUpdates(answer);
            JsonElement? updated = answer.TryGetProperty("updatedInput", out var input) && input.ValueKind == JsonValueKind.Object ? input.Clone() : null;
            return new ToolCallAuthorization(true, "allowed by the SDK's canUseTool", updated);
        }
        if (behavior == "deny")
        {
            if (answer.TryGetProperty("interrupt", out var stop) && stop.ValueKind == JsonValueKind.True)
            {
                interruptTurn();
            }
            return ToolCallAuthorization.Deny(InboundMessage.String(answer, "message") is { Length: > 0 } m ? m : "denied by the SDK's canUseTool");
        }
        return ToolCallAuthorization.Deny($"the SDK's canUseTool answered with behavior '{behavior ?? "(none)"}', expected allow or deny");
    }

    /// <summary>The remember-rule suggestions, as narrow as Claude Code's: a Bash call suggests allowing that command
    /// (<c>Bash(command)</c>), a file edit suggests <c>acceptEdits</c> mode, any other tool allowing the tool; each for
    /// this session only.</summary>
    private static void WriteSuggestions(Utf8JsonWriter w, string toolName, JsonElement arguments)
    {
        w.WriteStartArray("permission_suggestions");
        w.WriteStartObject();
        if (toolName is "Edit" or "MultiEdit" or "Write" or "NotebookEdit")
        {
            w.WriteString("type", "setMode");
            w.WriteString("mode", "acceptEdits");
        }
        else
        {
            w.WriteString("type", "addRules");
            w.WriteStartArray("rules");
            w.WriteStartObject();
            w.WriteString("toolName", toolName);
            if (toolName == "Bash" && arguments.ValueKind == JsonValueKind.Object && InboundMessage.String(arguments, "command") is { Length: > 0 } command)
            {
                w.WriteString("ruleContent", command);
            }
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("behavior", "allow");
        }
        w.WriteString("destination", "session");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    /// <summary>Applies <c>updatedPermissions</c>: <c>addRules</c> (as session rules) and <c>setMode</c>; others are noted and skipped.</summary>
    private void ApplyUpdates(JsonElement answer)
    {
        if (!answer.TryGetProperty("updatedPermissions", out var updates) || updates.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        foreach (var update in updates.EnumerateArray())
        {
            switch (InboundMessage.String(update, "type"))
            {
                case "addRules" when update.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Array:
                    var ruleBehavior = InboundMessage.String(update, "behavior") switch
                    {
                        "deny" => PermissionBehavior.Deny,
                        "ask" => PermissionBehavior.Ask,
                        _ => PermissionBehavior.Allow,
                    };
                    foreach (var rule in rules.EnumerateArray())
                    {
                        if (InboundMessage.String(rule, "toolName") is not { Length: > 0 } tool)
                        {
                            continue;
                        }
                        var text = InboundMessage.String(rule, "ruleContent") is { Length: > 0 } content ? $"{tool}({content})" : tool;
                        try
                        {
                            checker.AddSessionRule(ruleBehavior, text);
                        }
                        catch (PermissionRuleException ex)
                        {
                            channel.Debug($"updatedPermissions rule '{text}' skipped: {ex.Message}");
                        }
                    }
                    break;
                case "setMode" when PermissionModes.TryParse(InboundMessage.String(update, "mode"), out var mode):
                    checker.SetMode(mode);
                    break;
                case var other:
                    channel.Debug($"updatedPermissions entry '{other}' not applied by forge");
                    break;
            }
        }
    }
}
