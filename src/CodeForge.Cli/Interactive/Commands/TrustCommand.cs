namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/trust [add|remove]</c>: whether this folder's hooks, MCP servers and rules are used, and changing that.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class TrustCommand(CommandContext context) : ISlashCommand
{
    public string Name => "trust";

    public string Description => "Whether this folder's hooks, MCP servers and rules are used; add or remove its trust";

    public string ArgumentHint => "[add|remove]";

    public async Task RunAsync(string arguments, CancellationToken cancellationToken) =>
        context.Lines("Workspace trust", await context.Engine.TrustAsync(arguments, cancellationToken).ConfigureAwait(false));
}
