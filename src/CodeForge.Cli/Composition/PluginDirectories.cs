using System.Collections.Immutable;
using CodeForge.Core.Plugins;

namespace CodeForge.Cli.Composition;

/// <summary>
/// <c>--plugin-dir PATH</c> (repeatable; the Agent SDK's <c>plugins: [{type: 'local', path}]</c>): plugin directories
/// loaded for this run only, by the same <see cref="PluginManager"/> as the installed plugins, so their skills, commands,
/// agents, hooks and MCP servers take part like an installed plugin's. A directory that is missing or a plugin that does
/// not load is reported (file, line, why) and the run goes on without it.
/// </summary>
/// <remarks>Stateless and thread-safe; the manager's own contract covers concurrent loads.</remarks>
internal static class PluginDirectories
{
    /// <summary>Loads every directory (concurrently) and returns the problems, each naming the flag and where.</summary>
    public static async Task<ImmutableArray<Diagnostic>> LoadAsync(PluginManager plugins, IReadOnlyList<PluginDirectory> directories, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(directories);
        var problems = ImmutableArray.CreateBuilder<Diagnostic>();
        var present = new List<PluginDirectory>();
        foreach (var d in directories)
        {
            if (d.Path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(Diagnostic.Error($"--plugin-dir {d.Path}: forge loads plugin directories, not .zip files (unzip it and pass the directory); not loaded"));
            }
            else if (!Directory.Exists(d.Path))
            {
                problems.Add(Diagnostic.Error($"--plugin-dir {d.Path}: no such directory; not loaded"));
            }
            else
            {
                present.Add(d);
            }
        }
        var results = await plugins.LoadAllAsync(present.Select(d => d.Path), ct).ConfigureAwait(false);
        foreach (var r in results)
        {
            foreach (var d in r.Diagnostics)
            {
                problems.Add(new Diagnostic(d.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, $"--plugin-dir {r.Root}: {d}", d.File, d.Line ?? 0));
            }
            if (!r.Succeeded)
            {
                problems.Add(Diagnostic.Error($"--plugin-dir {r.Root}: the plugin was not loaded (see above); the run goes on without it"));
            }
        }
        return problems.ToImmutable();
    }
}
