using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Hooks;
using CodeForge.Core.Permissions;

namespace CodeForge.Cli.Headless;

/// <summary>
/// The hooks of a headless run: every settings layer's hooks loaded into a <see cref="HookRegistry"/> (problems reported
/// on stderr with file, line and key; the rest load), run by real <c>bash</c> processes; hook problems and
/// <c>systemMessage</c>s go to stderr as <c>forge: hook ...</c> lines.
/// </summary>
internal sealed class HeadlessHooks
{
    private readonly object _stderrGate = new();
    private readonly TextWriter _stderr;

    private HeadlessHooks(TextWriter stderr) => _stderr = stderr;

    /// <summary>The session's hook points (for <see cref="AgentOptions.Hooks"/>).</summary>
    public HookSession Session { get; private set; } = null!;

    /// <summary>The registry, where plugins add their hooks as <c>plugin:&lt;name&gt;</c> sources.</summary>
    public HookRegistry Registry => Session.Runner.Registry;

    public static HeadlessHooks Create(SettingsLocations locations, string cwd, string home, Func<HookSessionInfo> info, TextWriter stderr, IHookProcessRunner? processes = null)
    {
        var loaded = HookConfigParser.LoadSettings(locations);
        foreach (var d in loaded.Diagnostics)
        {
            stderr.WriteLine($"forge: {d}");
        }
        var registry = new HookRegistry();
        if (!loaded.DisableAllHooks)
        {
            registry.SetSource("settings", loaded.Definitions);
        }
        var self = new HeadlessHooks(stderr);
        var runner = new HookRunner(registry, processes ?? BashHookProcessRunner.Instance, new HookRunnerOptions
        {
            ProjectDirectory = cwd,
            HomeDirectory = home,
            Report = r => self.WriteLine($"forge: hook problem: {r}"),
        });
        self.Session = new HookSession(runner, info, m => self.WriteLine($"forge: hook: {m}"));
        return self;
    }

    /// <summary>The gate with PreToolUse and PermissionRequest hooks around <paramref name="inner"/>.</summary>
    public IToolCallAuthorizer Authorize(IToolCallAuthorizer inner, PermissionChecker checker) =>
        new HookToolCallAuthorizer(inner, checker, Session);

    private void WriteLine(string line)
    {
        lock (_stderrGate)
        {
            _stderr.WriteLine(line);
            _stderr.Flush();
        }
    }
}
