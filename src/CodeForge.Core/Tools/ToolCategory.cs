namespace CodeForge.Core.Tools;

/// <summary>What kind of work a tool does; used to group tools (e.g. <see cref="ToolRegistry.ListByCategory"/>).</summary>
public enum ToolCategory
{
    /// <summary>Reads or changes files (Read, Write, Edit, Glob, Grep).</summary>
    File,

    /// <summary>Runs commands (Bash, BashOutput, KillShell).</summary>
    Execution,

    /// <summary>Reaches the network (WebFetch, WebSearch).</summary>
    Web,

    /// <summary>Task and to-do management, subagents.</summary>
    Task,

    /// <summary>Notebook editing.</summary>
    Notebook,

    /// <summary>Tools provided by MCP servers.</summary>
    Mcp,

    /// <summary>Anything else.</summary>
    Other,
}
