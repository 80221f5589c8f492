using CodeForge.Core.Config;

namespace CodeForge.Cli.Composition;

/// <summary>How serious a <see cref="Diagnostic"/> is.</summary>
internal enum DiagnosticSeverity
{
    /// <summary>Worth knowing (e.g. which sandbox is active with <c>--verbose</c>).</summary>
    Info,

    /// <summary>Something was skipped or fell back; the rest works.</summary>
    Warning,

    /// <summary>Something was rejected (a broken file, a bad rule, a server that failed).</summary>
    Error,
}

/// <summary>
/// A problem found while assembling or running forge, as a value: how serious, what (the whole human sentence, e.g.
/// <c>/p/.forge/settings.json:3: error: invalid JSON …</c>), and where when known (file and 1-based line, 0 unknown).
/// Each front end renders it its own way: <c>forge: </c> and the message on stderr, a notice in the terminal UI.
/// </summary>
internal sealed record Diagnostic(DiagnosticSeverity Severity, string Message, string? File = null, int Line = 0)
{
    public static Diagnostic Error(string message, string? file = null, int line = 0) => new(DiagnosticSeverity.Error, message, file, line);

    public static Diagnostic Warning(string message, string? file = null, int line = 0) => new(DiagnosticSeverity.Warning, message, file, line);

    public static Diagnostic Info(string message) => new(DiagnosticSeverity.Info, message);

    /// <summary>A settings problem, with its file and line.</summary>
    public static Diagnostic From(SettingsDiagnostic d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, d.ToString(), d.Source.Path, d.Line);
    }

    public override string ToString() => Message;
}
