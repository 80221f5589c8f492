namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/init</c>: a turn that asks the model to write (or improve) the repository's AGENTS.md.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class InitCommand(CommandContext context) : ISlashCommand
{
    internal const string Prompt =
        "Please analyse this repository and create an AGENTS.md file in its root with what a coding agent needs to work here: " +
        "the build, test and lint commands (including how to run a single test), the layout and architecture in brief, and the " +
        "code style and conventions you can see. If an AGENTS.md, CLAUDE.md, README.md or .cursorrules exists, use and improve " +
        "on it rather than repeating it. Keep it concise.";

    public string Name => "init";

    public string Description => "Write an AGENTS.md for this repository with the model's help";

    public Task RunAsync(string arguments, CancellationToken cancellationToken) => context.RunTurnAsync(Prompt, cancellationToken);
}
