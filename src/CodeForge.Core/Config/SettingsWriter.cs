using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeForge.Core.Config;

/// <summary>A settings file could not be updated; the file is unchanged.</summary>
public sealed class SettingsWriteException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// Changes a settings file safely: under an exclusive lock file, re-read the current content, apply the change, write a
/// temporary file, flush it to disk and rename it over the original.
/// </summary>
/// <remarks>
/// Safe across threads and processes: the lock (<c>&lt;file&gt;.lock</c>, opened with <see cref="FileShare.None"/>, which
/// .NET implements with an advisory <c>flock</c> on Unix, released by the kernel if the process dies) serializes
/// read-modify-write cycles, so two writers never lose each other's changes; readers see the old file or the new one,
/// never a partial one (atomic rename). A file that is not valid JSON is never overwritten.
/// </remarks>
public static class SettingsWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Applies <paramref name="change"/> to the JSON object in <paramref name="path"/> (created if missing). The change
    /// returns false to leave the file as it is.
    /// </summary>
    public static async Task<bool> UpdateAsync(string path, Func<JsonObject, bool> change, TimeProvider? timeProvider = null,
        TimeSpan? lockTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(change);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        using var fileLock = await AcquireLockAsync(path + ".lock", timeProvider ?? TimeProvider.System,
            lockTimeout ?? TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        var root = ReadObject(path);
        if (!change(root))
        {
            return false;
        }
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var bytes = Encoding.UTF8.GetBytes(root.ToJsonString(Indented) + "\n");
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        return true;
    }

    /// <summary>Adds <paramref name="rule"/> to <c>permissions.&lt;list&gt;</c> (allow, ask or deny) unless present.</summary>
    public static Task<bool> AddPermissionRuleAsync(string path, string list, string rule, CancellationToken cancellationToken = default)
    {
        if (list is not ("allow" or "ask" or "deny"))
        {
            throw new ArgumentException($"Unknown permission list \"{list}\"; expected allow, ask or deny.", nameof(list));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(rule);
        return UpdateAsync(path, root =>
        {
            if (root["permissions"] is not JsonObject permissions)
            {
                if (root["permissions"] is not null)
                {
                    throw new SettingsWriteException($"{path}: \"permissions\" is not an object; not changed.");
                }
                root["permissions"] = permissions = new JsonObject();
            }
            if (permissions[list] is not JsonArray rules)
            {
                if (permissions[list] is not null)
                {
                    throw new SettingsWriteException($"{path}: \"permissions.{list}\" is not an array; not changed.");
                }
                permissions[list] = rules = new JsonArray();
            }
            if (rules.Any(r => r is JsonValue v && v.TryGetValue<string>(out var s) && s == rule))
            {
                return false;
            }
            rules.Add((JsonNode?)JsonValue.Create(rule));
            return true;
        }, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Sets <c>enabledPlugins["name@marketplace"]</c> to <paramref name="enabled"/> (Claude Code's plugin switch), under
    /// the same lock, temp file and rename as every update. Returns false when it already had that value.
    /// </summary>
    public static Task<bool> SetPluginEnabledAsync(string path, string pluginKey, bool enabled, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginKey);
        return UpdateAsync(path, root =>
        {
            if (root["enabledPlugins"] is not JsonObject plugins)
            {
                if (root["enabledPlugins"] is not null)
                {
                    throw new SettingsWriteException($"{path}: \"enabledPlugins\" is not an object; not changed.");
                }
                root["enabledPlugins"] = plugins = new JsonObject();
            }
            if (plugins[pluginKey] is JsonValue v && v.TryGetValue<bool>(out var current) && current == enabled)
            {
                return false;
            }
            plugins[pluginKey] = JsonValue.Create(enabled);
            return true;
        }, cancellationToken: cancellationToken);
    }

    private static JsonObject ReadObject(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (FileNotFoundException)
        {
            return new JsonObject();
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            return new JsonObject();
        }
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            }) as JsonObject ?? throw new SettingsWriteException($"{path}: the top level is not a JSON object; not changed.");
        }
        catch (JsonException ex)
        {
            throw new SettingsWriteException(
                $"{path}:{(ex.LineNumber ?? -1) + 1}: invalid JSON; not changed. Fix the file and try again.", ex);
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string lockPath, TimeProvider time, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        var wait = TimeSpan.FromMilliseconds(2);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (time.GetTimestamp() < deadline)
            {
                await Task.Delay(wait, time, ct).ConfigureAwait(false);
                wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 50));
            }
            catch (IOException ex)
            {
                throw new SettingsWriteException($"{lockPath}: another process has held this lock for {timeout.TotalSeconds:0} s; not changed.", ex);
            }
        }
    }
}
