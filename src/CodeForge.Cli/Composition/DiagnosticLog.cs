namespace CodeForge.Cli.Composition;

/// <summary>
/// Where the parts of a forge run report their <see cref="Diagnostic"/>s. Until a front end attaches a renderer the
/// diagnostics are kept (the terminal UI takes the start-up ones for its welcome); after that each goes straight to the
/// renderer. <see cref="ToText"/> is the text front end: <c>forge: </c> and the message, one line each, on stderr.
/// </summary>
/// <remarks>Thread-safe: reports may come from any flow (hooks, MCP start-up); the renderer is called under the log's
/// lock, one diagnostic at a time and in report order, so it must be quick and must not report to this log.</remarks>
internal sealed class DiagnosticLog
{
    private readonly object _gate = new();
    /// <summary>How many diagnostics <see cref="Reported"/> remembers (the first ones: start-up problems come first).</summary>
    public const int ReportedLimit = 200;

    private readonly List<Diagnostic> _kept = [];
    private readonly List<Diagnostic> _reported = [];
    private Action<Diagnostic>? _render;

    /// <summary>A log that writes each diagnostic to <paramref name="stderr"/> as <c>forge: message</c> at once.</summary>
    public static DiagnosticLog ToText(TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var log = new DiagnosticLog();
        log.Attach(d => WriteText(stderr, d));
        return log;
    }

    /// <summary>The text rendering: <c>forge: </c> and the message (which names its file and line when it has them), one line.</summary>
    public static void WriteText(TextWriter stderr, Diagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(diagnostic);
        stderr.WriteLine($"forge: {diagnostic.Message}");
        stderr.Flush();
    }

    public void Report(Diagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        lock (_gate)
        {
            if (_reported.Count < ReportedLimit)
            {
                _reported.Add(diagnostic);
            }
            if (_render is null)
            {
                _kept.Add(diagnostic);
            }
            else
            {
                _render(diagnostic);
            }
        }
    }

    /// <summary>Keeps <paramref name="diagnostic"/> for <see cref="Reported"/> (the start-up event) without rendering it: a
    /// detail a front end summarises in one line of its own (e.g. several MCP servers that failed to start).</summary>
    public void Record(Diagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        lock (_gate)
        {
            if (_reported.Count < ReportedLimit)
            {
                _reported.Add(diagnostic);
            }
        }
    }

    public void Error(string message, string? file = null, int line = 0) => Report(Diagnostic.Error(message, file, line));

    public void Warning(string message, string? file = null, int line = 0) => Report(Diagnostic.Warning(message, file, line));

    public void Info(string message) => Report(Diagnostic.Info(message));

    /// <summary>Every diagnostic reported so far, rendered or not (the first <see cref="ReportedLimit"/>): what a front end
    /// lists in its start-up event.</summary>
    public IReadOnlyList<Diagnostic> Reported
    {
        get
        {
            lock (_gate)
            {
                return [.. _reported];
            }
        }
    }

    /// <summary>The diagnostics kept so far (none once a renderer is attached).</summary>
    public IReadOnlyList<Diagnostic> Kept
    {
        get
        {
            lock (_gate)
            {
                return [.. _kept];
            }
        }
    }

    /// <summary>
    /// From now on renders every diagnostic with <paramref name="render"/> as it is reported; returns the ones kept until
    /// now (not rendered: the front end shows them its own way, e.g. in a welcome), in one step, so none is lost or shown twice.
    /// </summary>
    public IReadOnlyList<Diagnostic> Attach(Action<Diagnostic> render)
    {
        ArgumentNullException.ThrowIfNull(render);
        lock (_gate)
        {
            IReadOnlyList<Diagnostic> kept = [.. _kept];
            _kept.Clear();
            _render = render;
            return kept;
        }
    }
}
