namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/model [name]</c>: the model and the known ones, or a switch for the next turn.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class ModelCommand(CommandContext context) : ISlashCommand
{
    public string Name => "model";

    public string Description => "Show or switch the model (next turn)";

    public string ArgumentHint => "[name]";

    public Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        var engine = context.Engine;
        if (arguments.Length == 0)
        {
            context.Lines($"Model: {engine.Model} ({engine.ProviderName})", engine.KnownModels);
            return Task.CompletedTask;
        }
        engine.SetModel(arguments);
        context.Info($"Model set to {engine.Model}; it takes effect on the next turn.");
        return Task.CompletedTask;
    }
}
