using System.Text.Json;

namespace CodeForge.Core.Hooks;

/// <summary>A permission decision a PreToolUse hook returns; a larger value wins when hooks disagree (deny &gt; defer &gt; ask &gt; allow).</summary>
public enum HookPermissionDecision
{
    Allow = 1,
    Ask = 2,
    Defer = 3,
    Deny = 4,
}

/// <summary>
/// The JSON a hook printed on stdout (exit 0), as Claude Code defines it: <c>continue</c>, <c>stopReason</c>,
/// <c>suppressOutput</c>, <c>systemMessage</c>, <c>decision</c>/<c>reason</c>, and <c>hookSpecificOutput</c> with
/// <c>permissionDecision</c>, <c>permissionDecisionReason</c>, <c>updatedInput</c>, <c>additionalContext</c> and
/// PermissionRequest's <c>decision.behavior</c>. Immutable.
/// </summary>
public sealed record HookOutput
{
    public bool Continue { get; init; } = true;

    public string? StopReason { get; init; }

    public bool SuppressOutput { get; init; }

    public string? SystemMessage { get; init; }

    /// <summary>True for <c>"decision": "block"</c>.</summary>
    public bool Block { get; init; }

    public string? Reason { get; init; }

    public HookPermissionDecision? PermissionDecision { get; init; }

    public string? PermissionDecisionReason { get; init; }

    public JsonElement? UpdatedInput { get; init; }

    public string? AdditionalContext { get; init; }

    /// <summary>PermissionRequest: <c>hookSpecificOutput.decision.behavior</c> (allow or deny).</summary>
    public HookPermissionDecision? PermissionRequestBehavior { get; init; }

    /// <summary>PermissionRequest: <c>hookSpecificOutput.decision.message</c>, told to the model on deny.</summary>
    public string? PermissionRequestMessage { get; init; }

    /// <summary>
    /// Parses a hook's stdout. Not JSON (first non-blank character not <c>{</c>) gives <c>(null, null)</c>: plain text.
    /// JSON that is malformed or has fields of the wrong type gives an error saying why, and no output.
    /// </summary>
    public static (HookOutput? Output, string? Error) Parse(string stdout, HookEvent hookEvent)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var text = stdout.TrimStart();
        if (!text.StartsWith('{'))
        {
            return (null, null);
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var output = new HookOutput
            {
                Continue = Bool(root, "continue") ?? true,
                StopReason = Str(root, "stopReason"),
                SuppressOutput = Bool(root, "suppressOutput") ?? false,
                SystemMessage = Str(root, "systemMessage"),
                Reason = Str(root, "reason"),
            };
            switch (Str(root, "decision"))
            {
                case null:
                    break;
                case "block":
                    output = output with { Block = true };
                    break;
                case "approve" when hookEvent == HookEvent.PreToolUse:
                    output = output with { PermissionDecision = HookPermissionDecision.Allow, PermissionDecisionReason = output.Reason };
                    break;
                case "approve":
                    break;
                case var other:
                    throw new FormatException($"\"decision\" must be \"block\", found \"{other}\"");
            }
            if (hookEvent == HookEvent.PreToolUse && output.Block)
            {
                // The deprecated top-level "block" of PreToolUse is a deny.
                output = output with { Block = false, PermissionDecision = HookPermissionDecision.Deny, PermissionDecisionReason = output.Reason };
            }
            if (root.TryGetProperty("hookSpecificOutput", out var specific) && specific.ValueKind != JsonValueKind.Null)
            {
                if (specific.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("\"hookSpecificOutput\" must be an object");
                }
                output = output with
                {
                    AdditionalContext = Str(specific, "additionalContext"),
                    PermissionDecisionReason = Str(specific, "permissionDecisionReason") ?? output.PermissionDecisionReason,
                };
                if (Str(specific, "permissionDecision") is { } decision)
                {
                    output = output with { PermissionDecision = ParseDecision(decision, "permissionDecision", allowDefer: true) };
                }
                if (specific.TryGetProperty("updatedInput", out var updated) && updated.ValueKind != JsonValueKind.Null)
                {
                    if (updated.ValueKind != JsonValueKind.Object)
                    {
                        throw new FormatException("\"updatedInput\" must be an object (it replaces the whole tool input)");
                    }
                    output = output with { UpdatedInput = updated.Clone() };
                }
                if (hookEvent == HookEvent.PermissionRequest && specific.TryGetProperty("decision", out var pr) && pr.ValueKind == JsonValueKind.Object)
                {
                    output = output with
                    {
                        PermissionRequestBehavior = Str(pr, "behavior") is { } b ? ParseDecision(b, "decision.behavior", allowDefer: false) : null,
                        PermissionRequestMessage = Str(pr, "message"),
                        UpdatedInput = pr.TryGetProperty("updatedInput", out var u) && u.ValueKind == JsonValueKind.Object ? u.Clone() : output.UpdatedInput,
                    };
                }
            }
            return (output, null);
        }
        catch (JsonException ex)
        {
            return (null, $"its output starts with '{{' but is not valid JSON ({ex.Message.Split(". ")[0]})");
        }
        catch (FormatException ex)
        {
            return (null, $"its JSON output is invalid: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return (null, $"its JSON output is invalid: {ex.Message}");
        }
    }

    private static HookPermissionDecision ParseDecision(string text, string field, bool allowDefer) => text switch
    {
        "allow" => HookPermissionDecision.Allow,
        "deny" => HookPermissionDecision.Deny,
        "ask" when allowDefer => HookPermissionDecision.Ask,
        "defer" when allowDefer => HookPermissionDecision.Defer,
        _ => throw new FormatException($"\"{field}\" must be {(allowDefer ? "allow, deny, ask or defer" : "allow or deny")}, found \"{text}\""),
    };

    private static string? Str(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException($"\"{name}\" must be a string, found {Config.SettingsParser.Describe(v)}");
    }

    private static bool? Bool(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean()
            : throw new FormatException($"\"{name}\" must be true or false, found {Config.SettingsParser.Describe(v)}");
    }
}
