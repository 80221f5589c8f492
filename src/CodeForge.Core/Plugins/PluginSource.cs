using System.Text.Json;

namespace CodeForge.Core.Plugins;

/// <summary>The kinds of <c>source</c> a marketplace entry (or an <c>extraKnownMarketplaces</c> entry) can name.</summary>
public enum PluginSourceKind
{
    /// <summary>A path relative to the marketplace root (<c>"./plugins/x"</c>, or a bare name under <c>metadata.pluginRoot</c>).</summary>
    RelativePath,

    /// <summary>A local directory (<c>{"source": "directory", "path": …}</c>, used for marketplaces).</summary>
    Directory,

    /// <summary><c>{"source": "github", "repo": "owner/repo", "ref"?, "sha"?}</c>.</summary>
    GitHub,

    /// <summary><c>{"source": "url" | "git", "url": "https://….git", "ref"?, "sha"?}</c>: any git repository.</summary>
    Git,

    /// <summary><c>{"source": "git-subdir", "url": …, "path": "plugins/x", "ref"?, "sha"?}</c>: a folder of a git repository.</summary>
    GitSubdirectory,

    /// <summary><c>{"source": "npm", "package": "@scope/name", "version"?, "registry"?}</c>.</summary>
    Npm,

    /// <summary><c>{"source": "pip", "package": …}</c>.</summary>
    Pip,

    /// <summary>A source object whose kind forge does not know.</summary>
    Unknown,
}

/// <summary>
/// Where a plugin (or a marketplace) comes from, as written in a marketplace entry's <c>source</c>. Every form Claude
/// Code accepts is parsed; only <see cref="PluginSourceKind.RelativePath"/> and <see cref="PluginSourceKind.Directory"/>
/// can be installed offline, the others are reported with what would have to be fetched.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record PluginSource(PluginSourceKind Kind, string Text)
{
    public string? Path { get; init; }

    public string? Repository { get; init; }

    public string? Url { get; init; }

    public string? Ref { get; init; }

    public string? Sha { get; init; }

    public string? Package { get; init; }

    public string? Version { get; init; }

    public string? Registry { get; init; }

    /// <summary>Whether getting it needs the network (git, GitHub, npm, pip).</summary>
    public bool IsRemote => Kind is not (PluginSourceKind.RelativePath or PluginSourceKind.Directory);

    /// <summary>
    /// Parses a <c>source</c> value: a string is a relative path; an object names its kind in <c>source</c>. Returns null
    /// with <paramref name="error"/> set when a required field of the kind is missing or the value is neither.
    /// </summary>
    public static PluginSource? Parse(JsonElement value, out string? error)
    {
        error = null;
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (text.Length == 0)
            {
                error = "\"source\" is empty";
                return null;
            }
            return new PluginSource(PluginSourceKind.RelativePath, text) { Path = text };
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            error = "\"source\" must be a relative path (\"./plugins/x\") or an object with a \"source\" kind";
            return null;
        }
        string? Str(string key) => value.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var kindText = Str("source");
        var kind = kindText switch
        {
            "github" => PluginSourceKind.GitHub,
            "url" or "git" => PluginSourceKind.Git,
            "git-subdir" => PluginSourceKind.GitSubdirectory,
            "npm" => PluginSourceKind.Npm,
            "pip" => PluginSourceKind.Pip,
            "directory" or "file" => PluginSourceKind.Directory,
            null => PluginSourceKind.Unknown,
            _ => PluginSourceKind.Unknown,
        };
        var source = new PluginSource(kind, kindText ?? "?")
        {
            Path = Str("path"),
            Repository = Str("repo"),
            Url = Str("url"),
            Ref = Str("ref"),
            Sha = Str("sha"),
            Package = Str("package"),
            Version = Str("version"),
            Registry = Str("registry"),
        };
        var missing = kind switch
        {
            PluginSourceKind.GitHub when source.Repository is null => "\"repo\" (owner/name)",
            PluginSourceKind.Git when source.Url is null => "\"url\"",
            PluginSourceKind.GitSubdirectory when source.Url is null && source.Repository is null => "\"url\"",
            PluginSourceKind.GitSubdirectory when source.Path is null => "\"path\"",
            PluginSourceKind.Npm or PluginSourceKind.Pip when source.Package is null => "\"package\"",
            PluginSourceKind.Directory when source.Path is null => "\"path\"",
            _ => null,
        };
        if (kindText is null)
        {
            error = "the \"source\" object needs a \"source\" kind (github, url, git-subdir, npm, …)";
            return null;
        }
        if (missing is not null)
        {
            error = $"a \"{kindText}\" source needs {missing}";
            return null;
        }
        return source with { Text = source.Describe() };
    }

    private string Describe()
    {
        var at = Sha ?? Ref;
        var suffix = at is null ? "" : "@" + at;
        return Kind switch
        {
            PluginSourceKind.GitHub => $"github {Repository}{suffix}{(Path is null ? "" : " path " + Path)}",
            PluginSourceKind.Git => $"git {Url}{suffix}",
            PluginSourceKind.GitSubdirectory => $"git {Url ?? Repository}{suffix} path {Path}",
            PluginSourceKind.Npm => $"npm {Package}{(Version is null ? "" : "@" + Version)}{(Registry is null ? "" : " from " + Registry)}",
            PluginSourceKind.Pip => $"pip {Package}{(Version is null ? "" : "==" + Version)}",
            PluginSourceKind.Directory => $"directory {Path}",
            PluginSourceKind.RelativePath => Path!,
            _ => $"\"{Text}\" source",
        };
    }

    /// <summary>The offline error for a remote source: what it is and how to install it by hand.</summary>
    public string OfflineError(string pluginName) =>
        $"plugin '{pluginName}' comes from {Text}, which forge cannot fetch (it installs only from local directories); "
        + $"get it yourself (git clone / npm pack) and run: forge plugin install <that directory>";
}
