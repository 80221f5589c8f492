using System.Globalization;
using System.Text.Json;

namespace CodeForge.Core.Permissions;

/// <summary>
/// One tool call as the rules see it, with the facts rules need (the Bash command read once, the absolute path, the URL
/// host) computed on first use. Lives for one <see cref="PermissionPolicy.Evaluate(string, System.Text.Json.JsonElement, string?)"/> call on one thread.
/// </summary>
internal sealed class ToolCall
{
    private readonly JsonElement _arguments;
    private readonly PermissionFacts _facts;
    private BashCommand? _bash;
    private bool _bashDone;
    private string? _fullPath;
    private bool _pathDone;
    private string? _host;
    private bool _hostDone;
    private BashAnalysis? _analysis;
    private string? _realPath;
    private bool _realDone;

    /// <param name="toolName">The tool called.</param>
    /// <param name="arguments">The call's arguments.</param>
    /// <param name="policy">The snapshot deciding.</param>
    /// <param name="shellDirectory">Where a Bash command starts (the working directory by default).</param>
    /// <param name="facts">What the tool declares the call touches (<see cref="IPermissionFactsDescriber"/>); null: the
    /// built-in tool of that name describes it (<see cref="Tools.BuiltIn.BuiltInTools.PermissionFacts"/>).</param>
    public ToolCall(string toolName, JsonElement arguments, PermissionPolicy policy, string? shellDirectory = null, PermissionFacts? facts = null)
    {
        ToolName = toolName;
        _arguments = arguments;
        _facts = facts ?? Tools.BuiltIn.BuiltInTools.PermissionFacts(toolName, arguments);
        Policy = policy;
        ShellDirectory = shellDirectory ?? policy.WorkingDirectory;
    }

    /// <summary>The directory a Bash command starts in (the shell's current directory; the working directory by default).</summary>
    public string ShellDirectory { get; }

    /// <summary>The Bash command read for the rules (facts and resolved paths), for a Bash call with a command.</summary>
    public BashAnalysis? Analysis
    {
        get
        {
            if (_analysis is null && Bash is { } bash)
            {
                _analysis = BashAnalysis.Analyze(bash, ShellDirectory, Policy.HomeDirectory);
            }
            return _analysis;
        }
    }

    /// <summary><see cref="FullPath"/> with every symbolic link resolved through the file system.</summary>
    public string? RealPath
    {
        get
        {
            if (!_realDone)
            {
                _realDone = true;
                _realPath = FullPath is { } full ? PathResolver.Real(full) : null;
            }
            return _realPath;
        }
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
                var command = ToolName == ToolNames.Bash ? _facts.Command : null;
                _bash = command is null ? null : BashCommand.Parse(command);
            }
            return _bash;
        }
    }

    /// <summary>The absolute, normalized path a file tool works on, from the tool's declared facts.</summary>
    public string? FullPath
    {
        get
        {
            if (!_pathDone)
            {
                _pathDone = true;
                _fullPath = Resolve(_facts.Path);
            }
            return _fullPath;
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
                var url = ToolName == ToolNames.WebFetch ? _facts.Url : null;
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

    private string? Resolve(string? path) => PathResolver.Lexical(path, Policy.WorkingDirectory, Policy.HomeDirectory);
}
