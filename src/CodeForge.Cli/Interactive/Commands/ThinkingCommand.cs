using Spectre.Console;

namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/thinking</c>: the model's last thinking in full (what ctrl+o shows during a turn).</summary>
/// <remarks>Stateless.</remarks>
internal sealed class ThinkingCommand(CommandContext context) : ISlashCommand
{
    public string Name => "thinking";

    public string Description => "Show the model's last thinking in full (ctrl+o during a turn)";

    public Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        var expanded = context.Thinking.Expanded();
        context.Screen.Write(c => c.MarkupLine(expanded));
        return Task.CompletedTask;
    }
}
