using System.Text;
using System.Text.Json;

namespace CodeForge.Cli.Agents;

/// <summary>
/// Turns a background agent's stream-json log into a readable transcript (what <c>forge logs</c> and
/// <c>forge attach</c> show): the prompt's answers, each tool call with its input, the first lines of each tool
/// result, and the final result with its cost. Lines that are not JSON (warnings) are shown as they are.
/// </summary>
/// <remarks>Stateless; safe from any thread.</remarks>
internal static class AgentLog
{
    public static string Render(string line)
    {
        if (!line.StartsWith('{'))
        {
            return line;
        }
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
            var sb = new StringBuilder();
            switch (type)
            {
                case "system" when root.TryGetProperty("subtype", out var st) && st.ValueEquals("init"):
                    sb.Append("● session ").Append(Text(root, "session_id")).Append(" in ").Append(Text(root, "cwd")).Append(" (").Append(Text(root, "model")).Append(')');
                    break;
                case "system":
                    return "";
                case "assistant":
                    foreach (var block in Content(root))
                    {
                        var kind = Text(block, "type");
                        if (kind == "text")
                        {
                            Line(sb, "⏺ " + Text(block, "text"));
                        }
                        else if (kind == "tool_use")
                        {
                            var input = block.TryGetProperty("input", out var i) ? i.GetRawText() : "{}";
                            Line(sb, "⏺ " + Text(block, "name") + "(" + Shorten(input, 200) + ")");
                        }
                    }
                    break;
                case "user":
                    foreach (var block in Content(root).Where(b => Text(b, "type") == "tool_result"))
                    {
                        var content = block.TryGetProperty("content", out var c) ? c.ValueKind == JsonValueKind.String ? c.GetString() ?? "" : c.GetRawText() : "";
                        var error = block.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True;
                        Line(sb, "  ⎿ " + (error ? "error: " : "") + Shorten(content.Replace('\n', ' '), 200));
                    }
                    break;
                case "result":
                    sb.Append("✔ ").Append(Text(root, "subtype")).Append(": ").Append(Text(root, "result"));
                    if (root.TryGetProperty("total_cost_usd", out var cost) && cost.TryGetDecimal(out var d))
                    {
                        sb.Append(" (cost ").Append(AgentSelf.FormatCost(d)).Append(')');
                    }
                    break;
                default:
                    return line;
            }
            return sb.ToString();
        }
        catch (JsonException)
        {
            return line;
        }
    }

    private static List<JsonElement> Content(JsonElement root) =>
        root.TryGetProperty("message", out var m) && m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().ToList()
            : [];

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private static void Line(StringBuilder sb, string text)
    {
        if (sb.Length > 0)
        {
            sb.Append('\n');
        }
        sb.Append(text);
    }
}
