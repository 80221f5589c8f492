namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/tools</c>: the tools the model can use, with the first line of each description.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class ToolsCommand(CommandContext context) : ISlashCommand
{
    public string Name => "tools";

    public string Description => "The tools the model can use";

    public Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        context.Lines("Tools", context.Engine.Tools.Select(t => $"{t.Name} — {FirstLine(t.Description)}"));
        return Task.CompletedTask;
    }

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? text : text[..i];
    }
}
