namespace CodeForge.Cli.Interactive.Commands;

/// <summary>A custom command or user-invocable skill: its expansion runs as a turn.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class CustomCommand(CommandContext context, CustomCommandInfo info) : ISlashCommand
{
    public string Name => info.Name;

    public string Description => info.Description;

    public string ArgumentHint => info.ArgumentHint;

    public string Source => info.Source;

    public async Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        var prompt = await context.Engine.ExpandCustomCommandAsync(info.Name, arguments).ConfigureAwait(false)
            ?? throw new ArgumentException($"/{info.Name} is no longer available.");
        await context.RunTurnAsync(prompt, cancellationToken).ConfigureAwait(false);
    }
}
