using System.Globalization;
using Spectre.Console;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// The user's <c>!command</c>: runs it through the engine on Core's shells (its own process group, so an interrupt
/// kills all of it; the Bash tool's sandbox; capped output), shows the folded output and exit code, and returns the
/// block the model gets with the next prompt (Claude Code's <c>&lt;bash-input&gt;</c>/<c>&lt;bash-stdout&gt;</c>).
/// </summary>
/// <remarks>Stateless; called from the session's input loop, one command at a time.</remarks>
internal sealed class BangCommandRunner(IInteractiveEngine engine, Screen screen)
{
    public const int ShownLines = 20;

    /// <summary>Runs <paramref name="command"/>; cancelling it (Esc, Ctrl-C) ends the command and reports exit 130.</summary>
    public async Task<string> RunAsync(string command, CancellationToken cancellationToken)
    {
        string shown;
        int exit;
        screen.StartSpinner("Running !" + command);
        try
        {
            var run = await engine.RunUserCommandAsync(command, cancellationToken).ConfigureAwait(false);
            shown = run.Output + (run.Diagnostics.Length > 0 && run.ExitCode is null ? run.Diagnostics : "")
                + (run.Truncated ? $"\n… ({run.TotalOutputChars - run.Output.Length} more characters{(run.OutputFile is null ? "" : " in " + run.OutputFile)})" : "");
            exit = run.ExitCode ?? 127;
        }
        catch (OperationCanceledException)
        {
            shown = "(interrupted)";
            exit = 130;
        }
        catch (ArgumentException ex)
        {
            shown = ex.Message;
            exit = 2;
        }
        finally
        {
            screen.StopSpinner();
        }
        screen.Write(c =>
        {
            c.MarkupLine($"[fuchsia]![/] [bold]{Markup.Escape(command)}[/]");
            foreach (var l in ToolCallView.Fold(shown, ShownLines))
            {
                c.MarkupLine("  [grey]" + Markup.Escape(l) + "[/]");
            }
            if (exit != 0)
            {
                c.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"  [red]exit code {exit}[/]"));
            }
        });
        return $"<bash-input>{command}</bash-input>\n<bash-stdout>{shown}</bash-stdout>\n<bash-exit-code>{exit}</bash-exit-code>";
    }
}
