namespace CodeForge.Core.Permissions;

/// <summary>The built-in tool names the permission grammar knows (what each call touches is declared by the tool: <see cref="PermissionFacts"/>).</summary>
internal static class ToolNames
{
    public const string Read = "Read";
    public const string Write = "Write";
    public const string Edit = "Edit";
    public const string MultiEdit = "MultiEdit";
    public const string NotebookEdit = "NotebookEdit";
    public const string Glob = "Glob";
    public const string Grep = "Grep";
    public const string Bash = "Bash";
    public const string BashOutput = "BashOutput";
    public const string KillShell = "KillShell";
    public const string WebFetch = "WebFetch";
    public const string WebSearch = "WebSearch";
    public const string TodoWrite = "TodoWrite";
    public const string Task = "Task";
    public const string Agent = "Agent";
    public const string Skill = "Skill";
    public const string McpPrefix = "mcp__";

    public static readonly string[] BuiltIn =
    [
        Read, Write, Edit, MultiEdit, NotebookEdit, Glob, Grep, Bash, BashOutput, KillShell, WebFetch, WebSearch,
        TodoWrite, Task, Agent, Skill,
    ];

    /// <summary>Arguments that carry a tool's primary content; a parameter rule may not name them.</summary>
    public static readonly string[] ContentFields = ["command", "file_path", "path", "notebook_path", "url"];

    public static bool IsEditFamily(string tool) => tool is Edit or Write or MultiEdit or NotebookEdit;

    /// <summary>Tools whose specifier is a gitignore-style path pattern.</summary>
    public static bool IsPathTool(string tool) => tool is Read or Edit or Write or MultiEdit or NotebookEdit or Glob or Grep;

    /// <summary>The built-in name this misspelling (case, snake_case) stands for, or null.</summary>
    public static string? Misspelled(string name)
    {
        var squashed = name.Replace("_", "", StringComparison.Ordinal);
        foreach (var known in BuiltIn)
        {
            if (!string.Equals(known, name, StringComparison.Ordinal) &&
                string.Equals(known, squashed, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }
        return null;
    }
}
