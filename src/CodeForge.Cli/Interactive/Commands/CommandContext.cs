using Spectre.Console;

namespace CodeForge.Cli.Interactive.Commands;

/// <summary>
/// What a slash command may use: the engine, the screen (with the session's ways to print information, errors and
/// lists), the thinking view, running a turn, and ending the session.
/// </summary>
/// <remarks>Used from the session's input loop only; the members it hands out follow their own contracts.</remarks>
internal sealed class CommandContext(IInteractiveEngine engine, Screen screen, ThinkingView thinking, Func<string, CancellationToken, Task> runTurn, Action exit)
{
    public IInteractiveEngine Engine => engine;

    public Screen Screen => screen;

    public ThinkingView Thinking => thinking;

    /// <summary>Runs <paramref name="prompt"/> as an agent turn, rendered like a typed prompt.</summary>
    public Task RunTurnAsync(string prompt, CancellationToken cancellationToken) => runTurn(prompt, cancellationToken);

    /// <summary>Ends the session after this command.</summary>
    public void Exit() => exit();

    public void Info(string text) => Write(screen, "[grey]" + Markup.Escape(text) + "[/]");

    public void Error(string text) => Write(screen, "[red]" + Markup.Escape(text) + "[/]");

    /// <summary>A bold title and its lines, or <c>(none)</c>.</summary>
    public void Lines(string title, IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        screen.Write(c =>
        {
            c.MarkupLine("[bold]" + Markup.Escape(title) + "[/]");
            var any = false;
            foreach (var l in lines)
            {
                any = true;
                c.MarkupLine("  " + Markup.Escape(l));
            }
            if (!any)
            {
                c.MarkupLine("  [grey](none)[/]");
            }
        });
    }

    private static void Write(Screen screen, string markup) => screen.Write(c => c.MarkupLine(markup));
}
