using Spectre.Console;

namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/help</c>: every command of the registry (built-in, then custom with their source) and the keys.</summary>
/// <remarks>Stateless; reads the registry when run.</remarks>
internal sealed class HelpCommand(SlashCommands registry, Screen screen) : ISlashCommand
{
    public string Name => "help";

    public string Description => "Show the commands and keys";

    public Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        screen.Write(c =>
        {
            var table = new Table { Border = TableBorder.None, ShowHeaders = false };
            table.AddColumn("command");
            table.AddColumn("what");
            foreach (var cmd in registry.All)
            {
                table.AddRow(new Markup("[aqua]/" + Markup.Escape(cmd.Name) + "[/]" + (cmd.ArgumentHint.Length > 0 ? " [grey]" + Markup.Escape(cmd.ArgumentHint) + "[/]" : "")),
                    new Markup(Markup.Escape(cmd.Description) + (cmd.Source == "built-in" ? "" : " [grey](" + Markup.Escape(cmd.Source) + ")[/]")));
            }
            c.Write(table);
            c.MarkupLine("[grey]Keys: enter send · alt+enter or \\ + enter new line · ↑/↓ history · tab complete /commands and @files · " +
                "shift+tab mode · esc interrupt · ctrl+o thinking · ctrl-c twice exit · !cmd runs a shell command[/]");
        });
        return Task.CompletedTask;
    }
}
