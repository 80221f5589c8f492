using System.Text.Json.Nodes;
using CodeForge.Core.Config;

namespace CodeForge.Mcp.Config;

/// <summary>
/// Adds and removes servers in an <c>.mcp.json</c>-shaped file (<c>{"mcpServers": {...}}</c>), keeping every other
/// key as it was. Each change runs under the file's lock file with a temporary file and an atomic rename
/// (<see cref="SettingsWriter.UpdateAsync"/>), so concurrent writers — threads or processes — never lose a change and
/// readers never see a partial file. A file that is not valid JSON is never overwritten.
/// </summary>
public static class McpConfigWriter
{
    /// <summary>Adds (or replaces, when <paramref name="replace"/>) the server <paramref name="name"/>.</summary>
    /// <returns>False when a server of that name exists and <paramref name="replace"/> is false (the file is unchanged).</returns>
    /// <exception cref="SettingsWriteException">The file is not valid JSON or <c>mcpServers</c> is not an object.</exception>
    public static Task<bool> AddAsync(string path, string name, JsonObject entry, bool replace = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(entry);
        return SettingsWriter.UpdateAsync(path, root =>
        {
            var servers = Servers(root, path, create: true)!;
            if (servers.ContainsKey(name) && !replace)
            {
                return false;
            }
            servers[name] = entry.DeepClone();
            return true;
        }, cancellationToken: cancellationToken);
    }

    /// <summary>Removes the server <paramref name="name"/>; false when it is not there.</summary>
    /// <exception cref="SettingsWriteException">The file is not valid JSON or <c>mcpServers</c> is not an object.</exception>
    public static async Task<bool> RemoveAsync(string path, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!File.Exists(path))
        {
            return false;
        }
        return await SettingsWriter.UpdateAsync(path, root => Servers(root, path, create: false)?.Remove(name) == true,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject? Servers(JsonObject root, string path, bool create)
    {
        switch (root["mcpServers"])
        {
            case JsonObject servers:
                return servers;
            case null when root.ContainsKey("mcpServers"):
            case not null:
                throw new SettingsWriteException($"{path}: \"mcpServers\" is not an object; not changed.");
            case null when create:
                var created = new JsonObject();
                root["mcpServers"] = created;
                return created;
            default:
                return null;
        }
    }
}
