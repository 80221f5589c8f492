namespace CodeForge.Cli.Interactive.Commands;

/// <summary>
/// The listing commands (<c>/skills</c>, <c>/hooks</c>, <c>/mcp</c>, <c>/plugins</c>, <c>/memory</c>, <c>/config</c>,
/// <c>/todos</c>): a title and the engine's lines for one topic.
/// </summary>
/// <remarks>Stateless.</remarks>
internal sealed class DescribeCommand(CommandContext context, string name, string description, string title, string topic) : ISlashCommand
{
    public string Name => name;

    public string Description => description;

    public Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        context.Lines(title, context.Engine.Describe(topic));
        return Task.CompletedTask;
    }

    /// <summary>The listing commands in <c>/help</c> order, split around <c>/init</c> as before: the first five, then config and todos.</summary>
    public static IReadOnlyList<DescribeCommand> Listings(CommandContext context) =>
    [
        new(context, "skills", "Installed skills", "Skills", "skills"),
        new(context, "hooks", "Configured hooks", "Hooks", "hooks"),
        new(context, "mcp", "MCP servers and their status", "MCP servers", "mcp"),
        new(context, "plugins", "Installed plugins", "Plugins", "plugins"),
        new(context, "memory", "The memory files (AGENTS.md, CLAUDE.md) in use", "Memory files", "memory"),
    ];

    public static DescribeCommand Config(CommandContext context) => new(context, "config", "The effective settings", "Settings", "config");

    public static DescribeCommand Todos(CommandContext context) => new(context, "todos", "The model's task list", "Todos", "todos");
}
