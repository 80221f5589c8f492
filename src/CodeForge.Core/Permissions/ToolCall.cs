using System.Globalization;
using System.Text.Json;

namespace CodeForge.Core.Permissions;

/// <summary>
/// One tool call as the rules see it, with the facts rules need (the Bash command read once, the absolute path, the URL
/// host) computed on first use. Lives for one <see cref="PermissionPolicy.Evaluate"/> call on one thread.
/// </summary>
internal sealed class ToolCall
{
    private readonly JsonElement _arguments;
    private BashCommand? _bash;
    private bool _bashDone;
    private string? _fullPath;
    private bool _pathDone;
    private string? _host;
    private bool _hostDone;
    private List<string>? _redirects;

    public ToolCall(string toolName, JsonElement arguments, PermissionPolicy policy)
    {
        ToolName = toolName;
        _arguments = arguments;
        Policy = policy;
    }

    public string ToolName { get; }

    public PermissionPolicy Policy { get; }

    /// <summary>A string argument, or null if absent or not a string.</summary>
    public string? GetString(string name) =>
        _arguments.ValueKind == JsonValueKind.Object && _arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>An argument as text for a parameter rule: strings as is, true/false, numbers as written, else raw JSON.</summary>
    public string? GetParameterText(string name)
    {
        if (_arguments.ValueKind != JsonValueKind.Object || !_arguments.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => value.GetRawText(),
        };
    }

    /// <summary>The Bash command, for a Bash call with a string <c>command</c>.</summary>
    public BashCommand? Bash
    {
        get
        {
            if (!_bashDone)
            {
                _bashDone = true;
                var command = ToolName == ToolNames.Bash ? GetString("command") : null;
                _bash = command is null ? null : BashCommand.Parse(command);
            }
            return _bash;
        }
    }

    /// <summary>The absolute, normalized path a file tool works on (Glob and Grep default to the working directory).</summary>
    public string? FullPath
    {
        get
        {
            if (!_pathDone)
            {
                _pathDone = true;
                var argument = ToolNames.PathArgument(ToolName);
                if (argument is not null)
                {
                    var path = GetString(argument);
                    if (path is null && ToolName is ToolNames.Glob or ToolNames.Grep)
                    {
                        path = Policy.WorkingDirectory;
                    }
                    _fullPath = Resolve(path);
                }
            }
            return _fullPath;
        }
    }

    /// <summary>Absolute paths written by the Bash command's output redirections.</summary>
    public IReadOnlyList<string> RedirectPaths
    {
        get
        {
            if (_redirects is null)
            {
                _redirects = [];
                foreach (var target in Bash?.RedirectTargets ?? [])
                {
                    var full = Resolve(target);
                    if (full is not null)
                    {
                        _redirects.Add(full);
                    }
                }
            }
            return _redirects;
        }
    }

    /// <summary>The lower-case host of a WebFetch <c>url</c> (a missing scheme means https).</summary>
    public string? Host
    {
        get
        {
            if (!_hostDone)
            {
                _hostDone = true;
                var url = ToolName == ToolNames.WebFetch ? GetString("url") : null;
                if (url is not null)
                {
                    if (!url.Contains("://", StringComparison.Ordinal))
                    {
                        url = "https://" + url;
                    }
                    if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0)
                    {
                        _host = uri.IdnHost.TrimEnd('.').ToLower(CultureInfo.InvariantCulture);
                    }
                }
            }
            return _host;
        }
    }

    private string? Resolve(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }
        try
        {
            if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            {
                path = Path.Join(Policy.HomeDirectory, path[1..]);
            }
            var full = Path.GetFullPath(path, Policy.WorkingDirectory);
            return full.Length > 1 ? Path.TrimEndingDirectorySeparator(full) : full;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
