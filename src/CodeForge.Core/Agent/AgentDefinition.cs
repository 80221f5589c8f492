using System.Collections.Immutable;

namespace CodeForge.Core.Agent;

/// <summary>A kind of subagent the <c>Task</c> tool can start: what it is for, its tools, its model and its system prompt.</summary>
/// <param name="Name">The <c>subagent_type</c> the model names.</param>
/// <param name="Description">When to use it (shown to the model in the Task tool's description).</param>
/// <param name="Tools">The tools it may use, or null for every tool of the parent but <c>Task</c>.</param>
/// <param name="Model">A model id or alias, or null / <c>inherit</c> for the parent's model.</param>
/// <param name="SystemPrompt">Its system prompt (the environment is appended).</param>
/// <param name="SourcePath">The file it was read from, or null for a built-in type.</param>
/// <remarks>
/// Immutable; safe to share between threads. A plugin agent's system prompt is read from its file on first use
/// (<see cref="SystemPromptSource"/>, a <see cref="Skills.MarkdownBody"/>, whose contract covers concurrent first reads).
/// </remarks>
public sealed record AgentDefinition(
    string Name, string Description, ImmutableArray<string>? Tools, string? Model, string SystemPrompt, string? SourcePath = null)
{
    private readonly string _systemPrompt = SystemPrompt;

    /// <summary>The system prompt; when <see cref="SystemPromptSource"/> is set, read from that file on first access.</summary>
    /// <exception cref="Skills.MarkdownBodyException">The file cannot be read now (the message names it).</exception>
    public string SystemPrompt
    {
        get => SystemPromptSource?.Value ?? _systemPrompt;
        init => _systemPrompt = value;
    }

    /// <summary>The file the system prompt is read from on first use (it then replaces the one given), or null.</summary>
    public Skills.MarkdownBody? SystemPromptSource { get; init; }

    /// <summary>True for the read-only built-in types: their Bash calls pass <see cref="ToolCallGate.ForReadOnlyAgent(string, string)"/> first.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>The tools of the read-only built-in types (Bash only for read-only commands, see <see cref="ToolCallGate.ForReadOnlyAgent(string, string)"/>).</summary>
    public static ImmutableArray<string> ReadOnlyTools { get; } = ["Read", "Glob", "Grep", "Bash", "WebFetch", "WebSearch"];

    /// <summary><c>general-purpose</c>: every tool but Task.</summary>
    public static AgentDefinition GeneralPurpose { get; } = new(
        "general-purpose",
        "General-purpose agent for researching complex questions, searching for code and carrying out multi-step tasks. "
        + "Use it when a search may need several rounds of Glob/Grep/Read, or to do a self-contained piece of work.",
        null, null,
        "You are an agent for CodeForge, an AI coding assistant. Given the user's task, use the tools available to complete it "
        + "fully, neither gold-plating nor leaving it half-done. When you are done, answer with a concise report of what you "
        + "found or did: the caller only sees your final message. Give absolute file paths and relevant code snippets.");

    /// <summary><c>Explore</c>: a fast, read-only searcher.</summary>
    public static AgentDefinition Explore { get; } = new(
        "Explore",
        "Fast read-only agent for exploring a codebase: finding files by pattern, searching code for keywords, answering "
        + "questions about how the code works. Say how thorough to be (quick, medium, very thorough).",
        ReadOnlyTools, null,
        "You are a file search specialist for CodeForge. You are in READ-ONLY mode: you cannot create, change or delete files, "
        + "and may run only read-only shell commands. Use Glob for file patterns, Grep for contents, Read for known paths; "
        + "make independent calls in parallel. Answer with a concise report: absolute paths and what you found.")
    {
        ReadOnly = true,
    };

    /// <summary><c>Plan</c>: a read-only architect that returns an implementation plan.</summary>
    public static AgentDefinition Plan { get; } = new(
        "Plan",
        "Read-only software architect agent: explores the code and returns a step-by-step implementation plan, the critical "
        + "files and the trade-offs. Use it to design an approach before changing code.",
        ReadOnlyTools, null,
        "You are a software architect for CodeForge. You are in READ-ONLY mode: explore the code (Glob, Grep, Read, read-only "
        + "shell commands) but change nothing. Answer with a step-by-step implementation plan, the critical files (absolute "
        + "paths) and the risks and trade-offs.")
    {
        ReadOnly = true,
    };

    /// <summary>The built-in types, in the order they are listed.</summary>
    public static ImmutableArray<AgentDefinition> BuiltIn { get; } = [GeneralPurpose, Explore, Plan];
}
