using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Permissions;
using CodeForge.Core.Shells;
using CodeForge.Core.Todos;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>Factories for the built-in tools.</summary>
public static class BuiltInTools
{
    /// <summary>
    /// The file tools of one session: Read, Write, Edit, MultiEdit, Glob and Grep. Read, Write, Edit and MultiEdit share
    /// <paramref name="tracker"/> (what this session has read); give each session its own tracker.
    /// </summary>
    public static ImmutableArray<ITool> CreateFileTools(FileReadTracker tracker, FileToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        options ??= FileToolOptions.Default;
        return
        [
            new ReadTool(tracker),
            new WriteTool(tracker),
            new EditTool(tracker),
            new MultiEditTool(tracker),
            new GlobTool(options),
            new GrepTool(options),
        ];
    }

    /// <summary>
    /// The shell tools of one session: Bash, BashOutput and KillShell over <paramref name="shells"/> (background commands).
    /// Give each session its own set (Bash keeps the session's current directory); the manager may be shared.
    /// </summary>
    public static ImmutableArray<ITool> CreateShellTools(ShellManager shells, BashToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(shells);
        options ??= BashToolOptions.Default;
        return [new BashTool(shells, options), new BashOutputTool(shells, options), new KillShellTool(shells)];
    }

    /// <summary>The TodoWrite tool over the session's <paramref name="list"/>.</summary>
    public static ITool CreateTodoTool(TodoList list) => new TodoWriteTool(list);

    /// <summary>
    /// The permission facts a built-in tool declares for a call (each tool's own <c>Facts</c> function), for a decision
    /// made without the tool at hand (a rule checked by name, <c>forge mcp serve</c> before lookup); other tools declare
    /// nothing here: the gate asks the registered tool itself (<see cref="IPermissionFactsDescriber"/>).
    /// </summary>
    public static PermissionFacts PermissionFacts(string toolName, JsonElement arguments) => toolName switch
    {
        "Read" => ReadTool.Facts(arguments),
        "Write" => WriteTool.Facts(arguments),
        "Edit" => EditTool.Facts(arguments),
        "MultiEdit" => MultiEditTool.Facts(arguments),
        // No NotebookEdit tool ships; rules on it still name its path argument.
        "NotebookEdit" => new() { Path = Permissions.PermissionFacts.Argument(arguments, "notebook_path") },
        "Glob" => GlobTool.Facts(arguments),
        "Grep" => GrepTool.Facts(arguments),
        "Bash" => BashTool.Facts(arguments),
        "BashOutput" => BashOutputTool.Facts(arguments),
        "WebFetch" => Web.WebFetchTool.Facts(arguments),
        "WebSearch" => Web.WebSearchTool.Facts(arguments),
        _ => Permissions.PermissionFacts.None,
    };
}
