using System.Text.Json;
using CodeForge.Cli.Composition;

namespace CodeForge.Cli.Headless;

/// <summary>
/// <see cref="Diagnostic"/>s in stream-json: the <c>diagnostics</c> and <c>plugin_problems</c> arrays of the
/// <c>system/init</c> line, and the <c>system/diagnostic</c> line for one found later (e.g. a hook problem). Each is an
/// object with <c>severity</c> (<c>info</c>, <c>warning</c>, <c>error</c>), <c>message</c>, and <c>file</c>/<c>line</c> when known.
/// </summary>
/// <remarks>Stateless; writes immutable values.</remarks>
internal static class DiagnosticJson
{
    public static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(diagnostics);
        w.WriteStartArray(name);
        foreach (var d in diagnostics)
        {
            w.WriteStartObject();
            WriteFields(w, d);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The fields of one diagnostic, into the object being written.</summary>
    public static void WriteFields(Utf8JsonWriter w, Diagnostic d)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(d);
        w.WriteString("severity", d.Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "info",
        });
        w.WriteString("message", d.Message);
        if (d.File is { } file)
        {
            w.WriteString("file", file);
        }
        if (d.Line > 0)
        {
            w.WriteNumber("line", d.Line);
        }
    }

    /// <summary>A <c>system/diagnostic</c> line's fields: one problem found after start-up.</summary>
    public static void WriteEvent(Utf8JsonWriter w, Diagnostic d, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteString("type", "system");
        w.WriteString("subtype", "diagnostic");
        WriteFields(w, d);
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    }
}
