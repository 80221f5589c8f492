using System.Collections.Immutable;
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
}
