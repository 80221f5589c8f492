namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/compact [instructions]</c>: summarises the conversation now and shows the token counts before and after.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class CompactCommand(CommandContext context) : ISlashCommand
{
    public string Name => "compact";

    public string Description => "Summarise the conversation to free context";

    public string ArgumentHint => "[instructions]";

    public async Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        context.Screen.StartSpinner("Compacting");
        try
        {
            context.Info(await context.Engine.CompactAsync(arguments.Length == 0 ? null : arguments, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            context.Screen.StopSpinner();
        }
    }
}
