using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using CodeForge.Core.Config;

namespace CodeForge.Core.Trust;

/// <summary>Why a run may (or may not) use its folder's own commands.</summary>
public enum TrustReason
{
    /// <summary>The folder holds nothing that runs or pre-approves anything: there is nothing to trust.</summary>
    NothingToTrust,

    /// <summary>The folder is the user's home: its settings are the user's own.</summary>
    Home,

    /// <summary>The user trusted it (or a parent) and nothing was added since.</summary>
    Remembered,

    /// <summary><c>--trust-workspace</c> for this run.</summary>
    Flag,

    /// <summary><c>trustAllWorkspaces: true</c> in the user's (or managed) settings.</summary>
    UserSetting,

    /// <summary>The user answered "trust" on the trust screen of this session.</summary>
    Answered,

    /// <summary>Nobody trusted it.</summary>
    NotTrusted,

    /// <summary>Trusted once, but it now holds commands or approvals added since.</summary>
    ChangedSinceTrusted,

    /// <summary>The user answered "don't trust" on the trust screen of this session.</summary>
    Declined,
}

/// <summary>
/// The trust decision of one forge run for its folder (the repository root): whether the folder's project and local
/// settings' commands, permission approvals, <c>.mcp.json</c> servers and project-enabled plugins are used, why, and what the
/// folder would run (<see cref="Disclosure"/>). An untrusted folder keeps only what <see cref="UntrustedProjectSettings"/>
/// keeps, and its instruction files without imports that leave the folder.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record WorkspaceTrust(WorkspaceDisclosure Disclosure, TrustReason Reason, TrustDecision? Decision)
{
    /// <summary>The settings key (user or managed scope only) that trusts every folder, for CI on one's own repositories.</summary>
    public const string TrustAllSetting = "trustAllWorkspaces";

    /// <summary>The folder decided about.</summary>
    public string Folder => Disclosure.Folder;

    /// <summary>Whether the folder's own commands and approvals are used.</summary>
    public bool IsTrusted => Reason is TrustReason.NothingToTrust or TrustReason.Home or TrustReason.Remembered or TrustReason.Flag
        or TrustReason.UserSetting or TrustReason.Answered;

    /// <summary>What this run leaves out because the folder is not trusted (empty when trusted).</summary>
    public ImmutableArray<DisclosureItem> Skipped => IsTrusted ? [] : Disclosure.Runnable;

    /// <summary>Whether the user should be asked (interactive): the folder is not trusted, or changed since, and would run something.</summary>
    public bool NeedsAnswer => Reason is TrustReason.NotTrusted or TrustReason.ChangedSinceTrusted;

    /// <summary>The lines added since the folder was trusted (for <see cref="TrustReason.ChangedSinceTrusted"/>).</summary>
    public ImmutableArray<string> Added => Decision?.AddedSinceTrusted ?? [];

    /// <summary>
    /// Decides for a run in <paramref name="workingDirectory"/> (its repository root is the folder): the flag, the user's
    /// <c>trustAllWorkspaces</c>, then the folder's trust entry. A trust file that cannot be read counts as "not trusted"
    /// and is reported through <paramref name="problem"/>.
    /// </summary>
    public static WorkspaceTrust Resolve(string workingDirectory, string homeDirectory, bool trustFlag, TrustStore store,
        Action<string>? problem = null, string managedSettingsPath = "/etc/forge/managed-settings.json")
    {
        ArgumentNullException.ThrowIfNull(workingDirectory);
        ArgumentNullException.ThrowIfNull(homeDirectory);
        ArgumentNullException.ThrowIfNull(store);
        var cwd = Path.GetFullPath(workingDirectory);
        var root = Agent.MemoryFiles.FindRepositoryRoot(cwd);
        var disclosure = WorkspaceScanner.Scan(root, cwd);
        if (disclosure.Runnable.IsEmpty && disclosure.Problems.IsEmpty)
        {
            return new(disclosure, TrustReason.NothingToTrust, null);
        }
        var home = Path.TrimEndingDirectorySeparator(Path.GetFullPath(homeDirectory));
        if (string.Equals(Path.TrimEndingDirectorySeparator(disclosure.Folder), home, StringComparison.Ordinal))
        {
            return new(disclosure, TrustReason.Home, null);
        }
        if (trustFlag)
        {
            return new(disclosure, TrustReason.Flag, null);
        }
        if (TrustsAll(new SettingsLocations(home, root, managedSettingsPath)))
        {
            return new(disclosure, TrustReason.UserSetting, null);
        }
        TrustDecision decision;
        try
        {
            decision = store.Check(disclosure);
        }
        catch (InvalidDataException ex)
        {
            problem?.Invoke(ex.Message);
            return new(disclosure, TrustReason.NotTrusted, null);
        }
        return new(disclosure, decision.State switch
        {
            TrustState.Trusted => TrustReason.Remembered,
            TrustState.Changed => TrustReason.ChangedSinceTrusted,
            _ => TrustReason.NotTrusted,
        }, decision);
    }

    /// <summary>This decision after the user's answer on the trust screen.</summary>
    public WorkspaceTrust Answer(bool trust) => this with { Reason = trust ? TrustReason.Answered : TrustReason.Declined };

    /// <summary>Whether a user or managed settings file says <c>trustAllWorkspaces: true</c> (project files cannot).</summary>
    public static bool TrustsAll(SettingsLocations locations)
    {
        ArgumentNullException.ThrowIfNull(locations);
        var files = locations.FilesBeforeCommandLine.Where(f => f.Scope == SettingsScope.User).Append(locations.Managed);
        var result = false;
        foreach (var file in files)
        {
            try
            {
                if (!File.Exists(file.Path))
                {
                    continue;
                }
                using var document = JsonDocument.Parse(File.ReadAllText(file.Path), new JsonDocumentOptions
                {
                    AllowTrailingCommas = true,
                    CommentHandling = JsonCommentHandling.Skip,
                });
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(TrustAllSetting, out var value)
                    && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    result = value.ValueKind == JsonValueKind.True; // a later file (managed last) wins
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                // Reported by the settings store with file and line.
            }
        }
        return result;
    }

    /// <summary>
    /// One short line for stderr and the session's notices: what was left out and how to allow it; null when nothing was.
    /// </summary>
    public string? SkippedLine()
    {
        var skipped = Skipped;
        if (skipped.IsEmpty)
        {
            return null;
        }
        var counts = skipped.GroupBy(i => i.Kind).OrderBy(g => g.Key).Select(g => Count(g.Key, g.Count()));
        var why = Reason switch
        {
            TrustReason.ChangedSinceTrusted => string.Create(CultureInfo.InvariantCulture, $"{Folder} changed since you trusted it ({Added.Length} new item(s))"),
            TrustReason.Declined => $"{Folder} is not trusted (your answer)",
            _ => $"{Folder} is not trusted",
        };
        return $"{why}: skipped its {string.Join(", ", counts)}; to allow them: forge trust add (or --trust-workspace; forge trust show lists them)";
    }

    private static string Count(DisclosureKind kind, int n)
    {
        var (one, many) = kind switch
        {
            DisclosureKind.Hook => ("hook", "hooks"),
            DisclosureKind.McpServer => ("MCP server", "MCP servers"),
            DisclosureKind.PermissionAllow => ("permission approval", "permission approvals"),
            DisclosureKind.Plugin => ("plugin", "plugins"),
            DisclosureKind.Command => ("helper command", "helper commands"),
            DisclosureKind.Memory => ("instruction import from outside the folder", "instruction imports from outside the folder"),
            _ => ("environment variable", "environment variables"),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");
    }
}
