using CodeForge.Core.Hooks;

namespace CodeForge.Cli.Composition;

/// <summary>Each enabled plugin's hooks become the hook source <c>plugin:&lt;name&gt;</c> (problems reported, the rest kept).</summary>
/// <remarks>Stateless.</remarks>
internal static class PluginHooks
{
    public static void Add(HeadlessHooks hooks, ExtensionHost extensions, DiagnosticLog log)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(extensions);
        ArgumentNullException.ThrowIfNull(log);
        foreach (var set in extensions.Plugins.Snapshot.Hooks)
        {
            using var buffer = new MemoryStream();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var (hookEvent, entries) in set.Events)
                {
                    writer.WriteStartArray(hookEvent);
                    foreach (var entry in entries)
                    {
                        entry.WriteTo(writer);
                    }
                    writer.WriteEndArray();
                }
                writer.WriteEndObject();
            }
            using var document = System.Text.Json.JsonDocument.Parse(buffer.ToArray());
            var parsed = HookConfigParser.Parse(document.RootElement, set.SourcePath, set.PluginRoot);
            foreach (var d in parsed.Diagnostics)
            {
                log.Report(new Diagnostic(d.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, $"hook problem: {d}", d.Source, d.Line));
            }
            hooks.Registry.SetSource("plugin:" + set.PluginName, set.PluginData is { } data ? [.. parsed.Definitions.Select(d => d with { PluginData = data })] : parsed.Definitions);
        }
    }
}
