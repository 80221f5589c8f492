using System.Globalization;
using System.Text;
using CodeForge.Core.Tokens;
using Spectre.Console;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// The model's thinking in the interactive view: collected while it streams, shown collapsed as one dim line
/// (<c>✻ Thinking… (1,234 tokens)</c>) when the answer or a tool call starts, and kept so that <c>ctrl+o</c> during a
/// turn or <c>/thinking</c> afterwards shows it in full.
/// </summary>
/// <remarks>
/// <para>The token count is the one the provider reported for the response (OpenAI's <c>reasoning_tokens</c>) when it
/// is known by the time the line is shown, otherwise the thinking text counted with the model's tokenizer
/// (<see cref="TokenCounters"/>). A response that reasoned without sending any text (a reasoning model without
/// summaries) still gets its line, from the reported count.</para>
/// <para>Concurrency: the session's render loop appends and collapses; the key watcher of a running turn reads
/// <see cref="Last"/> for <c>ctrl+o</c>. The state is guarded by one lock, so the watcher sees a whole block.</para>
/// </remarks>
internal sealed class ThinkingView
{
    private readonly object _gate = new();
    private readonly StringBuilder _current = new();
    private readonly Func<string> _model;
    private string _last = "";

    /// <summary>Counts with the tokenizer of the model <paramref name="model"/> names at the time of counting.</summary>
    public ThinkingView(Func<string> model) => _model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>Whether thinking text has arrived that is not shown yet.</summary>
    public bool Open
    {
        get
        {
            lock (_gate)
            {
                return _current.Length > 0;
            }
        }
    }

    /// <summary>The last complete thinking (empty when the session has had none).</summary>
    public string Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Adds a streamed piece of thinking.</summary>
    public void Append(string text)
    {
        lock (_gate)
        {
            _current.Append(text);
        }
    }

    /// <summary>Ends the thinking block now streaming, if any: it becomes <see cref="Last"/> and its collapsed line is
    /// returned (null when there was no thinking and <paramref name="reportedTokens"/> is not positive).</summary>
    public string? Collapse(long? reportedTokens = null)
    {
        string text;
        lock (_gate)
        {
            text = _current.ToString();
            _current.Clear();
            if (text.Length > 0)
            {
                _last = text;
            }
        }
        if (text.Length == 0 && reportedTokens is not > 0)
        {
            return null;
        }
        var tokens = reportedTokens is > 0 ? reportedTokens.Value : Count(text);
        var hint = text.Length > 0 ? " · ctrl+o or /thinking to expand" : "";
        return string.Create(CultureInfo.InvariantCulture, $"[grey]✻ Thinking… ({tokens:N0} tokens){Markup.Escape(hint)}[/]");
    }

    /// <summary>The markup that shows <see cref="Last"/> in full (dim, under a header), or a note that there is none.</summary>
    public string Expanded()
    {
        var last = Last;
        return last.Length == 0
            ? "[grey]No thinking in this session yet.[/]"
            : "[grey]✻ Thinking[/]\n[grey italic]" + Markup.Escape(last.TrimEnd()) + "[/]";
    }

    private long Count(string text)
    {
        var model = _model();
        return string.IsNullOrWhiteSpace(model) ? EstimatingCounter.Instance.Count(text) : TokenCounters.Uncached(model).Count(text);
    }
}
