using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Hooks;
using CodeForge.Core.Permissions;

namespace CodeForge.Cli.Composition;

/// <summary>
/// The hooks of a headless run: every settings layer's hooks loaded into a <see cref="HookRegistry"/> (problems reported
/// on stderr with file, line and key; the rest load), run by real <c>bash</c> processes; hook problems and
/// <c>systemMessage</c>s are reported to the run's <see cref="DiagnosticLog"/> (<c>hook problem: …</c>, <c>hook: …</c>).
/// </summary>
internal sealed class HeadlessHooks
{
    private HeadlessHooks(HookSession session) => Session = session;


    /// <summary>The session's hook points (for <see cref="AgentOptions.Hooks"/>).</summary>
    public HookSession Session { get; }

    /// <summary>The registry, where plugins add their hooks as <c>plugin:&lt;name&gt;</c> sources.</summary>
    public HookRegistry Registry => Session.Runner.Registry;

    public static HeadlessHooks Create(SettingsSnapshot settings, string cwd, string home, Func<HookSessionInfo> info, DiagnosticLog diagnostics,
        IHookProcessRunner? processes = null)
    {
        var registry = new HookRegistry();
        foreach (var d in SetSettingsSource(registry, settings))
        {
            diagnostics.Report(new Diagnostic(d.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, d.ToString(), d.Source, d.Line));
        }
        var runner = new HookRunner(registry, processes ?? BashHookProcessRunner.Instance, new HookRunnerOptions
        {
            ProjectDirectory = cwd,
            HomeDirectory = home,
            Report = r => diagnostics.Error($"hook problem: {r}"),
        });
        return new HeadlessHooks(new HookSession(runner, info, m => diagnostics.Info($"hook: {m}")));
    }

    /// <summary>
    /// A settings version's hooks become the <c>settings</c> source (a broken file's last good hooks stay, as the snapshot
    /// keeps its last good text); true when they differ from the hooks of <paramref name="applied"/>. Problems are added to
    /// <paramref name="change"/>.
    /// </summary>
    public bool ApplySettings(SettingsSnapshot applied, SettingsSnapshot next, SettingsChangeBuilder change)
    {
        if (HookKey(applied) == HookKey(next))
        {
            return false;
        }
        foreach (var d in SetSettingsSource(Registry, next))
        {
            change.Problem(new SettingsDiagnostic(new SettingsSource(SettingsScope.Project, d.Source), d.Line, d.Key, d.Message, d.IsError));
        }
        return true;
    }

    private static System.Collections.Immutable.ImmutableArray<HookConfigDiagnostic> SetSettingsSource(HookRegistry registry, SettingsSnapshot settings)
    {
        var loaded = HookConfigParser.LoadSettings(settings.Files);
        if (loaded.DisableAllHooks)
        {
            registry.RemoveSource("settings");
        }
        else
        {
            registry.SetSource("settings", loaded.Definitions);
        }
        return loaded.Diagnostics;
    }

    /// <summary>What decides the settings hooks: every file's <c>hooks</c> and <c>disableAllHooks</c> as written.</summary>
    private static string HookKey(SettingsSnapshot snapshot) => string.Join("\n", snapshot.Files.Select(f =>
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(f.Text, new System.Text.Json.JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = System.Text.Json.JsonCommentHandling.Skip,
            });
            var root = document.RootElement;
            return f.Source.Path + " " + (root.TryGetProperty("hooks", out var h) ? h.GetRawText() : "") + " " +
                (root.TryGetProperty("disableAllHooks", out var d) ? d.GetRawText() : "");
        }
        catch (System.Text.Json.JsonException)
        {
            return f.Source.Path;
        }
    }));
}
