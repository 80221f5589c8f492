namespace CodeForge.Core.Skills;

/// <summary>How serious a <see cref="LoadDiagnostic"/> is.</summary>
public enum LoadSeverity
{
    /// <summary>Something is off but the item still loaded (a bad name, an unknown hook event).</summary>
    Warning,

    /// <summary>The item was skipped (a skill without a description, a plugin with bad JSON).</summary>
    Error,
}

/// <summary>
/// One problem found while loading a skill, command, plugin or marketplace file: where (file, and line when known) and
/// why. Printed by the CLI as <c>forge: &lt;file&gt;:&lt;line&gt;: &lt;why&gt;</c>.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
/// <param name="File">The file (or directory) the problem is in.</param>
/// <param name="Line">The 1-based line, when known.</param>
/// <param name="Message">What is wrong, and what happened because of it (e.g. "skill skipped").</param>
/// <param name="Severity">Whether the item was skipped.</param>
public sealed record LoadDiagnostic(string File, int? Line, string Message, LoadSeverity Severity = LoadSeverity.Error)
{
    public bool IsError => Severity == LoadSeverity.Error;

    /// <summary>A warning: the item still loads.</summary>
    public static LoadDiagnostic Warn(string file, int? line, string message) => new(file, line, message, LoadSeverity.Warning);

    /// <summary>An error: the item is skipped.</summary>
    public static LoadDiagnostic Fail(string file, int? line, string message) => new(file, line, message, LoadSeverity.Error);

    /// <summary><c>file:line: message</c> (or <c>file: message</c> without a line); warnings say so.</summary>
    public override string ToString() =>
        $"{File}{(Line is { } l ? $":{l}" : "")}: {(Severity == LoadSeverity.Warning ? "warning: " : "")}{Message}";
}
