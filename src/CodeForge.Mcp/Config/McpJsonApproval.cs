using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Config;

namespace CodeForge.Mcp.Config;

/// <summary>
/// Which servers of a project's <c>.mcp.json</c> may start, by Claude Code's keys in the settings in force:
/// <c>disabledMcpjsonServers</c> (never these), <c>enableAllProjectMcpServers</c> (all the others) and
/// <c>enabledMcpjsonServers</c> (when set without <c>enableAllProjectMcpServers</c>: only these). Without any key every
/// server may start: the trust screen listed each one and the user trusted the folder. An untrusted folder's own files
/// contribute no key (their text is empty to readers, see <c>UntrustedProjectSettings</c>), and its servers do not start at all.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record McpJsonApproval(bool EnableAll, ImmutableHashSet<string> Enabled, ImmutableHashSet<string> Disabled)
{
    private static readonly JsonDocumentOptions Loose = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>No key anywhere: every server may start.</summary>
    public static McpJsonApproval None { get; } = new(false, [], []);

    /// <summary>The keys of <paramref name="files"/> (lowest precedence first): lists are joined, the last boolean wins.</summary>
    public static McpJsonApproval From(IEnumerable<SettingsFileContent> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var all = false;
        var enabled = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        var disabled = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                using var document = JsonDocument.Parse(file.Text, Loose);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                if (root.TryGetProperty("enableAllProjectMcpServers", out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    all = flag.ValueKind == JsonValueKind.True;
                }
                Names(root, "enabledMcpjsonServers", enabled);
                Names(root, "disabledMcpjsonServers", disabled);
            }
            catch (JsonException)
            {
                // The settings store reports the file.
            }
        }
        return new(all, enabled.ToImmutable(), disabled.ToImmutable());
    }

    /// <summary>Whether the <c>.mcp.json</c> server <paramref name="name"/> may start, and if not, why.</summary>
    public bool Allows(string name, out string? why)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Disabled.Contains(name))
        {
            why = "listed in disabledMcpjsonServers";
            return false;
        }
        if (!EnableAll && !Enabled.IsEmpty && !Enabled.Contains(name))
        {
            why = "not listed in enabledMcpjsonServers";
            return false;
        }
        why = null;
        return true;
    }

    private static void Names(JsonElement root, string key, ImmutableHashSet<string>.Builder into)
    {
        if (root.TryGetProperty(key, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String))
            {
                into.Add(item.GetString()!);
            }
        }
    }
}
