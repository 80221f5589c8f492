using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Trust;

/// <summary>
/// Reads, without running anything, what a folder's project and local settings (<c>.claude/</c> and <c>.forge/</c>) and
/// its <c>.mcp.json</c> would make forge run or pre-approve. Files are read as loosely as forge reads them (comments and
/// trailing commas allowed); a file that cannot be parsed is listed as a problem, never skipped silently.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class WorkspaceScanner
{
    private static readonly JsonDocumentOptions Loose = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The files read, relative to the folder, in the order they are read.</summary>
    public static ImmutableArray<string> Files { get; } =
    [
        $"{ForgeFiles.ClaudeDirectory}/{ForgeFiles.SettingsFile}", $"{ForgeFiles.ForgeDirectory}/{ForgeFiles.SettingsFile}",
        $"{ForgeFiles.ClaudeDirectory}/{ForgeFiles.LocalSettingsFile}", $"{ForgeFiles.ForgeDirectory}/{ForgeFiles.LocalSettingsFile}", ForgeFiles.ProjectMcpFile,
    ];

    /// <summary>Scans <paramref name="folder"/>; the instruction files read are those from it down to
    /// <paramref name="workingDirectory"/> (default: the folder itself).</summary>
    public static WorkspaceDisclosure Scan(string folder, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var full = Path.GetFullPath(folder);
        var items = ImmutableArray.CreateBuilder<DisclosureItem>();
        var problems = ImmutableArray.CreateBuilder<string>();
        foreach (var relative in Files)
        {
            var path = Path.Combine(full, relative);
            string text;
            try
            {
                if (!File.Exists(path))
                {
                    continue;
                }
                text = File.ReadAllText(path);
            }
            catch (IOException ex)
            {
                problems.Add($"{relative}: cannot be read: {ex.Message}");
                continue;
            }
            catch (UnauthorizedAccessException ex)
            {
                problems.Add($"{relative}: cannot be read: {ex.Message}");
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(text, Loose);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{relative}: not a JSON object");
                    continue;
                }
                ScanObject(document.RootElement, relative, items);
            }
            catch (JsonException ex)
            {
                var line = ex.LineNumber is { } n ? (n + 1).ToString(CultureInfo.InvariantCulture) : "?";
                problems.Add($"{relative}:{line}: not valid JSON: {ex.Message}");
            }
        }
        ScanMemory(full, workingDirectory is null ? full : Path.GetFullPath(workingDirectory), items);
        return new WorkspaceDisclosure(full, items.ToImmutable(), problems.ToImmutable());
    }

    /// <summary>Each <c>AGENTS.md</c>/<c>CLAUDE.md</c> from the folder down to the working directory, and each <c>@</c>
    /// import it makes (outside the folder said so: it would put another file, perhaps a secret, in the prompt).</summary>
    private static void ScanMemory(string folder, string cwd, ImmutableArray<DisclosureItem>.Builder items)
    {
        var chain = new List<string>();
        for (var dir = new DirectoryInfo(cwd); dir is not null; dir = dir.Parent)
        {
            chain.Add(dir.FullName);
            if (string.Equals(dir.FullName, folder, StringComparison.Ordinal))
            {
                break;
            }
        }
        if (!string.Equals(chain[^1], folder, StringComparison.Ordinal))
        {
            chain = [folder];
        }
        chain.Reverse();
        var realFolder = Agent.MemoryFiles.RealPath(folder);
        foreach (var file in chain.SelectMany(d => Agent.MemoryFiles.FileNames.Select(n => Path.Combine(d, n))).Where(File.Exists))
        {
            var relative = Path.GetRelativePath(folder, file);
            items.Add(new(DisclosureKind.Memory, relative, relative));
            foreach (var import in Agent.MemoryFiles.Imports(file))
            {
                var outside = !PathText.IsUnderOrSame(import.Resolved, realFolder);
                items.Add(new(DisclosureKind.Memory, $"imports @{import.Reference}{(outside ? $" ({import.Resolved}, outside the folder)" : "")}", relative, outside));
            }
        }
    }

    private static void ScanObject(JsonElement root, string file, ImmutableArray<DisclosureItem>.Builder items)
    {
        if (Prop(root, "hooks", out var hooks) && hooks.ValueKind == JsonValueKind.Object)
        {
            foreach (var ev in hooks.EnumerateObject())
            {
                foreach (var group in Elements(ev.Value))
                {
                    var matcher = Prop(group, "matcher", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } mm
                        ? $" [{mm}]" : "";
                    foreach (var hook in Prop(group, "hooks", out var list) ? Elements(list) : [])
                    {
                        var what = Text(hook, "command") ?? Text(hook, "url") ?? Text(hook, "prompt") ?? hook.GetRawText();
                        items.Add(new(DisclosureKind.Hook, $"{ev.Name}{matcher}: {what}", file));
                    }
                }
            }
        }
        if (Prop(root, "mcpServers", out var servers) && servers.ValueKind == JsonValueKind.Object)
        {
            foreach (var server in servers.EnumerateObject())
            {
                items.Add(new(DisclosureKind.McpServer, $"{server.Name}: {ServerLine(server.Value)}", file));
            }
        }
        if (Prop(root, "permissions", out var permissions) && permissions.ValueKind == JsonValueKind.Object)
        {
            foreach (var rule in Prop(permissions, "allow", out var allow) ? Elements(allow) : [])
            {
                if (rule.ValueKind == JsonValueKind.String)
                {
                    items.Add(new(DisclosureKind.PermissionAllow, rule.GetString()!, file));
                }
            }
            if (Text(permissions, "defaultMode") is { } mode && mode != "default" && mode != "plan")
            {
                items.Add(new(DisclosureKind.PermissionAllow, $"permission mode {mode}", file));
            }
            foreach (var dir in Prop(permissions, "additionalDirectories", out var dirs) ? Elements(dirs) : [])
            {
                if (dir.ValueKind == JsonValueKind.String)
                {
                    items.Add(new(DisclosureKind.PermissionAllow, $"access to directory {dir.GetString()}", file));
                }
            }
        }
        if (Prop(root, "enabledPlugins", out var plugins) && plugins.ValueKind == JsonValueKind.Object)
        {
            foreach (var plugin in plugins.EnumerateObject())
            {
                if (plugin.Value.ValueKind != JsonValueKind.False)
                {
                    items.Add(new(DisclosureKind.Plugin, plugin.Name, file));
                }
            }
        }
        if (Prop(root, "extraKnownMarketplaces", out var markets) && markets.ValueKind == JsonValueKind.Object)
        {
            foreach (var market in markets.EnumerateObject())
            {
                items.Add(new(DisclosureKind.Plugin, $"marketplace {market.Name}: {Compact(market.Value)}", file));
            }
        }
        foreach (var key in (string[])["apiKeyHelper", "awsCredentialExport", "awsAuthRefresh", "otelHeadersHelper"])
        {
            if (Text(root, key) is { } command)
            {
                items.Add(new(DisclosureKind.Command, $"{key}: {command}", file));
            }
        }
        if (Prop(root, "statusLine", out var status) && status.ValueKind == JsonValueKind.Object && Text(status, "command") is { } statusCommand)
        {
            items.Add(new(DisclosureKind.Command, $"statusLine: {statusCommand}", file));
        }
        if (Prop(root, "env", out var env) && env.ValueKind == JsonValueKind.Object)
        {
            foreach (var variable in env.EnumerateObject())
            {
                items.Add(new(DisclosureKind.Environment, $"{variable.Name}={Compact(variable.Value)}", file));
            }
        }
        if (Prop(root, "enableAllProjectMcpServers", out var all) && all.ValueKind == JsonValueKind.True)
        {
            items.Add(new(DisclosureKind.McpServer, "every server in .mcp.json approved (enableAllProjectMcpServers)", file));
        }
    }

    private static string ServerLine(JsonElement server)
    {
        if (Text(server, "url") is { } url)
        {
            return url;
        }
        var parts = new List<string>();
        if (Text(server, "command") is { } command)
        {
            parts.Add(command);
        }
        foreach (var arg in Prop(server, "args", out var args) ? Elements(args) : [])
        {
            parts.Add(arg.ValueKind == JsonValueKind.String ? arg.GetString()! : arg.GetRawText());
        }
        return parts.Count > 0 ? string.Join(' ', parts) : Compact(server);
    }

    /// <summary>TryGetProperty that answers false (instead of throwing) when <paramref name="element"/> is not an object:
    /// a hostile file may put an array or a number anywhere.</summary>
    private static bool Prop(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return element.TryGetProperty(name, out value);
        }
        value = default;
        return false;
    }

    private static JsonElement[] Elements(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? [.. element.EnumerateArray()] : [];

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && Prop(element, name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;

    private static string Compact(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
}
