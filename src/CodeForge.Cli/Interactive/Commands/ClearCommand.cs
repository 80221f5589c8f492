namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/clear</c>: a new conversation; the old one stays resumable.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class ClearCommand(CommandContext context) : ISlashCommand
{
    public string Name => "clear";

    public string Description => "Start a new conversation (the old one stays resumable)";

    public async Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        await context.Engine.NewConversationAsync(cancellationToken).ConfigureAwait(false);
        context.Info("New conversation " + context.Engine.SessionId);
    }
}
