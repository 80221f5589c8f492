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
            var parsed = HookConfigParser.ParseEvents(set.Events, set.SourcePath, set.PluginRoot);
            foreach (var d in parsed.Diagnostics)
            {
                log.Report(new Diagnostic(d.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, $"hook problem: {d}", d.Source, d.Line));
            }
            hooks.Registry.SetSource("plugin:" + set.PluginName, set.PluginData is { } data ? [.. parsed.Definitions.Select(d => d with { PluginData = data })] : parsed.Definitions);
        }
    }
}
