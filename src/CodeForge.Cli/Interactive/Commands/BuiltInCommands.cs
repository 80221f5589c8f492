namespace CodeForge.Cli.Interactive.Commands;

/// <summary>The built-in commands in <c>/help</c> order, and the custom ones after them.</summary>
/// <remarks>Stateless.</remarks>
internal static class BuiltInCommands
{
    /// <summary>Adds the built-ins, then the engine's custom commands and skills (which never hide a built-in), to <paramref name="registry"/>.</summary>
    public static void Register(SlashCommands registry, CommandContext context)
    {
        RegisterBuiltIns(registry, context);
        RegisterCustom(registry, context);
    }

    /// <summary>Adds the built-ins only (the engine's custom commands are not known yet while it starts).</summary>
    public static void RegisterBuiltIns(SlashCommands registry, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(context);
        ISlashCommand[] builtIns =
        [
            new HelpCommand(registry, context.Screen),
            new ClearCommand(context),
            new CompactCommand(context),
            new ModelCommand(context),
            new ResumeCommand(context),
            new CostCommand(context),
            new ThinkingCommand(context),
            new ContextCommand(context),
            new PermissionsCommand(context),
            new ToolsCommand(context),
            .. DescribeCommand.Listings(context),
            new InitCommand(context),
            DescribeCommand.Config(context),
            new TrustCommand(context),
            new DoctorReportCommand(context),
            DescribeCommand.Todos(context),
            new ExitCommand(context, "exit"),
            new ExitCommand(context, "quit"),
        ];
        foreach (var command in builtIns)
        {
            registry.Add(command);
        }
    }

    /// <summary>Adds the engine's custom commands and skills (after the built-ins, which they never hide).</summary>
    public static void RegisterCustom(SlashCommands registry, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var custom in context.Engine.CustomCommands)
        {
            registry.Add(new CustomCommand(context, custom));
        }
    }
}
