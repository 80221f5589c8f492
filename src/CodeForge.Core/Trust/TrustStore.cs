using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Trust;

/// <summary>Whether a folder's own commands may run.</summary>
public enum TrustState
{
    /// <summary>Nobody said so for this folder or a parent.</summary>
    Untrusted,

    /// <summary>Trusted, and it holds nothing that was not there when it was trusted.</summary>
    Trusted,

    /// <summary>Trusted once, but it now holds commands or approvals that were not there then: ask again.</summary>
    Changed,
}

/// <summary>The answer for one folder: its state, the trusted folder that decided it, and what is new since.</summary>
public sealed record TrustDecision(TrustState State, string? TrustedFolder, ImmutableArray<string> AddedSinceTrusted);

/// <summary>A remembered "trust this folder", with what it held at the time.</summary>
public sealed record TrustEntry(string Folder, DateTimeOffset TrustedAt, ImmutableArray<string> Lines);

/// <summary>
/// The folders the user trusts, remembered per user in <c>~/.forge/trusted-folders.json</c>. A folder is trusted when the
/// user said so for it or for a parent; an exact entry also records what the folder would run at the time, so a later
/// change (a <c>git pull</c> that adds a hook) is asked about again.
/// </summary>
/// <remarks>
/// Safe across threads and processes: every change goes through <see cref="SettingsWriter.UpdateAsync"/> (an exclusive
/// lock file released by the kernel if the process dies, re-read under the lock, temp file, fsync, atomic rename), so
/// concurrent forge processes trusting folders lose no entry and a reader sees a whole file before or after each change.
/// Reads take no lock.
/// </remarks>
public sealed class TrustStore(string path, TimeProvider? timeProvider = null)
{
    private const string FoldersKey = "folders";
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>The file the store lives in.</summary>
    public string Path { get; } = path;

    /// <summary>The store of the user whose home is <paramref name="homeDirectory"/>.</summary>
    public static TrustStore ForUser(string homeDirectory, TimeProvider? timeProvider = null) =>
        new(ForgeFiles.InUserDirectory(homeDirectory, "trusted-folders.json"), timeProvider);

    /// <summary>Every remembered folder, sorted by path.</summary>
    public ImmutableArray<TrustEntry> List()
    {
        var root = Read();
        if (root?[FoldersKey] is not JsonObject folders)
        {
            return [];
        }
        var entries = ImmutableArray.CreateBuilder<TrustEntry>();
        foreach (var (folder, node) in folders)
        {
            var at = node?["trustedAt"]?.GetValueKind() == JsonValueKind.String
                && DateTimeOffset.TryParse(node["trustedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : default;
            var lines = node?["items"] is JsonArray array
                ? array.Where(l => l?.GetValueKind() == JsonValueKind.String).Select(l => l!.GetValue<string>()).ToImmutableArray()
                : [];
            entries.Add(new TrustEntry(folder, at, lines));
        }
        return [.. entries.OrderBy(e => e.Folder, StringComparer.Ordinal)];
    }

    /// <summary>Decides whether <paramref name="disclosure"/>'s folder is trusted, and what changed since.</summary>
    public TrustDecision Check(WorkspaceDisclosure disclosure)
    {
        ArgumentNullException.ThrowIfNull(disclosure);
        var entries = List();
        var folder = Normalize(disclosure.Folder);
        if (entries.FirstOrDefault(e => e.Folder == folder) is { } exact)
        {
            var added = disclosure.LinesAddedSince(exact.Lines);
            return new TrustDecision(added.IsEmpty ? TrustState.Trusted : TrustState.Changed, exact.Folder, added);
        }
        // A trusted parent covers everything beneath it (the user trusted a whole tree of their own repositories).
        var parent = entries.Where(e => PathText.IsUnderOrSame(folder, e.Folder)).OrderByDescending(e => e.Folder.Length).FirstOrDefault();
        return parent is null
            ? new TrustDecision(TrustState.Untrusted, null, disclosure.Lines)
            : new TrustDecision(TrustState.Trusted, parent.Folder, []);
    }

    /// <summary>Trusts <paramref name="folder"/> as it is now (what it would run is recorded).</summary>
    public Task TrustAsync(string folder, IEnumerable<string> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var key = Normalize(folder);
        var items = new JsonArray([.. lines.Select(l => (JsonNode?)JsonValue.Create(l))]);
        var at = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        return SettingsWriter.UpdateAsync(Path, root =>
        {
            if (root[FoldersKey] is not JsonObject folders)
            {
                folders = [];
                root[FoldersKey] = folders;
            }
            folders[key] = new JsonObject { ["trustedAt"] = at, ["items"] = items };
            return true;
        }, _time, cancellationToken: cancellationToken);
    }

    /// <summary>Forgets <paramref name="folder"/>; false if it was not remembered.</summary>
    public Task<bool> RemoveAsync(string folder, CancellationToken cancellationToken = default)
    {
        var key = Normalize(folder);
        return SettingsWriter.UpdateAsync(Path, root => root[FoldersKey] is JsonObject folders && folders.Remove(key),
            _time, cancellationToken: cancellationToken);
    }

    private JsonObject? Read()
    {
        try
        {
            return File.Exists(Path) ? JsonNode.Parse(File.ReadAllText(Path)) as JsonObject : null;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path}: not valid JSON ({ex.Message}); fix or delete it to reset folder trust.", ex);
        }
    }

    private static string Normalize(string folder) => PathText.Normalize(folder);
}
