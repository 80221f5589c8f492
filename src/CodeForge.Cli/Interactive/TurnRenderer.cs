using CodeForge.Core.Agent;
using Spectre.Console;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// Draws one agent turn as its events arrive: streamed Markdown, the collapsed thinking line, a spinner while the model
/// or a tool works, compact tool calls with their results and diffs, compaction notices with the token counts before
/// and after, errors, and how the turn ended.
/// </summary>
/// <remarks>
/// Concurrency: one instance per turn, fed by the session's render loop only (one event at a time). It writes through
/// the <see cref="Screen"/>, which serialises output with the key watcher's writes.
/// </remarks>
internal sealed class TurnRenderer(Screen screen, ThinkingView thinking, string workingDirectory, Action showNotices)
{
    private MarkdownStream? _markdown;
    private bool _streamedText;

    /// <summary>Starts the turn's spinner.</summary>
    public void Start() => screen.StartSpinner("Thinking");

    /// <summary>Draws one event.</summary>
    public void Render(AgentEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is ToolCallStarted or TurnFinished)
        {
            showNotices();
        }
        switch (e)
        {
            case ThinkingDelta thought:
                thinking.Append(thought.Text);
                break;
            case TextDelta d:
                screen.StopSpinner();
                ShowThinkingLine();
                _markdown ??= new MarkdownStream(r => screen.Write(c => c.Write(r)));
                _markdown.Append(d.Text);
                _streamedText = true;
                break;
            case AssistantMessage m:
                if (thinking.Open || (!_streamedText && m.Usage?.ReasoningTokenCount is > 0))
                {
                    screen.StopSpinner();
                    ShowThinkingLine(m.Usage?.ReasoningTokenCount);
                }
                _markdown?.Finish();
                if (!_streamedText && !string.IsNullOrEmpty(m.Message.Text))
                {
                    var md = new MarkdownStream(r => screen.Write(c => c.Write(r)));
                    md.Append(m.Message.Text);
                    md.Finish();
                }
                _markdown = null;
                _streamedText = false;
                break;
            case ToolCallStarted s:
                ShowThinkingLine();
                screen.StartSpinner("Running " + ToolCallView.Title(s.ToolName, s.Arguments, workingDirectory, screen.Width - 40));
                break;
            case ToolCallFinished f:
                screen.Write(c => c.Write(ToolCallView.Finished(f, workingDirectory, screen.Width)));
                screen.StartSpinner("Thinking");
                break;
            case ConversationCompacted compacted:
                // Compaction the engine did on its own is shown as /compact's is: what it freed.
                screen.StopSpinner();
                screen.Write(c => c.MarkupLine("[yellow]⚙[/] [grey]" + Markup.Escape(CompactionNotice.Text(compacted.Result)) + "[/]"));
                screen.StartSpinner("Thinking");
                break;
            case CompactionFailed failed:
                screen.StopSpinner();
                screen.Write(c => c.MarkupLine("[yellow]⚠[/] " + Markup.Escape(CompactionNotice.Failed(failed))));
                screen.StartSpinner("Thinking");
                break;
            case AgentError err:
                screen.StopSpinner();
                screen.Write(c => c.MarkupLine("[red]" + Markup.Escape(err.Message) + "[/]"));
                break;
            case TurnFinished t:
                Finish();
                if (t.Reason == AgentStopReason.Cancelled)
                {
                    screen.Write(c => c.MarkupLine("[yellow]⎿ Interrupted.[/] [grey]What should the agent do instead?[/]"));
                }
                else if (t.Reason == AgentStopReason.MaxTurns)
                {
                    screen.Write(c => c.MarkupLine("[grey]" + Markup.Escape("Stopped: the turn limit was reached.") + "[/]"));
                }
                break;
        }
    }

    /// <summary>The turn was cancelled before it could say so itself.</summary>
    public void Interrupted() => screen.Write(c => c.MarkupLine("[yellow]⎿ Interrupted.[/]"));

    /// <summary>Ends any open Markdown and stops the spinner (safe to call more than once).</summary>
    public void Finish()
    {
        _markdown?.Finish();
        _markdown = null;
        screen.StopSpinner();
    }

    /// <summary>Prints the collapsed line of the thinking that just ended, if any (see <see cref="ThinkingView"/>).</summary>
    private void ShowThinkingLine(long? reportedTokens = null)
    {
        if (thinking.Collapse(reportedTokens) is { } line)
        {
            screen.Write(c => c.MarkupLine(line));
        }
    }
}
