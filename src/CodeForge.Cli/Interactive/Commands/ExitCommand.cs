namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/exit</c> and <c>/quit</c>: end the session after this command.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class ExitCommand(CommandContext context, string name) : ISlashCommand
{
    public string Name => name;

    public string Description => "Leave forge";

    public Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        context.Exit();
        return Task.CompletedTask;
    }
}
