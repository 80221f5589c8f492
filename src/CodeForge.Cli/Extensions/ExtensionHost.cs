using CodeForge.Cli.Composition;
using CodeForge.Core.Commands;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tools;

namespace CodeForge.Cli.Extensions;

/// <summary>
/// The skills, custom commands and plugins of one forge run: loaded at start (problems reported to the run's diagnostics as
/// <c>forge: file:line: why</c>, the rest still loads), the <c>Skill</c> tool, the catalogue for the system prompt and
/// the expansion of a prompt that starts with <c>/name</c>.
/// </summary>
internal sealed class ExtensionHost : IDisposable
{
    private readonly PermissionChecker _checker;
    private readonly SkillPermissionGrants _grants;

    private ExtensionHost(SkillRegistry skills, CommandCatalog commands, PluginManager plugins, PermissionChecker checker, string projectDirectory)
    {
        Skills = skills;
        Commands = commands;
        Plugins = plugins;
        _checker = checker;
        ProjectDirectory = projectDirectory;
        _grants = new SkillPermissionGrants(skills, checker);
    }

    public SkillRegistry Skills { get; }

    public CommandCatalog Commands { get; }

    public PluginManager Plugins { get; }

    public string ProjectDirectory { get; }

    /// <summary>The skills catalogue for the system prompt (empty when there is no model-invocable skill).</summary>
    public string Catalogue => SkillCatalog.Build(Skills.ListSkills());

    /// <summary>
    /// Loads the user's and project's skills and commands and the enabled installed plugins (concurrently). Problems in
    /// the user's own files are printed; the plugins' are printed only when <paramref name="verbose"/>, otherwise one
    /// line says how many plugins have problems that skipped something (warnings alone print nothing).
    /// </summary>
    public static async Task<ExtensionHost> LoadAsync(string workingDirectory, string projectDirectory, string home, Settings settings,
        PermissionChecker checker, DiagnosticLog diagnostics, CancellationToken ct, bool verbose = false, IReadOnlyList<StreamJson.PluginDirectory>? pluginDirectories = null) =>
        await LoadAsync(workingDirectory, projectDirectory, home, settings, checker, diagnostics, projectTrusted: true, ct, verbose, pluginDirectories).ConfigureAwait(false);

    /// <summary>
    /// As <see cref="LoadAsync(string, string, string, Settings, PermissionChecker, DiagnosticLog, CancellationToken, bool, IReadOnlyList{StreamJson.PluginDirectory})"/>;
    /// when the project folder is not trusted, its own skills and commands load without their <c>allowed-tools</c> (a
    /// repository cannot pre-approve Bash through a skill the model activates).
    /// </summary>
    public static async Task<ExtensionHost> LoadAsync(string workingDirectory, string projectDirectory, string home, Settings settings,
        PermissionChecker checker, DiagnosticLog diagnostics, bool projectTrusted, CancellationToken ct, bool verbose = false,
        IReadOnlyList<StreamJson.PluginDirectory>? pluginDirectories = null)
    {
        var skills = new SkillRegistry();
        var commands = new CommandCatalog();
        var store = new PluginStore(home);
        var plugins = new PluginManager(skills, commands, new PluginReader(store));
        var enabled = store.List().Where(p => settings.EnabledPlugins.TryGetValue(p.Key, out var on) && on).Select(p => p.Root);
        var loading = plugins.LoadAllAsync(enabled, ct);
        var fileSkills = SkillDiscovery.Discover(home, projectDirectory, workingDirectory);
        var fileCommands = CommandLoader.Discover(home, projectDirectory);
        if (!projectTrusted)
        {
            fileSkills = fileSkills with { Skills = [.. fileSkills.Skills.Select(s => IsUnder(s.SourcePath, projectDirectory)
                ? new SkillDefinition(s.Metadata, s.Prompt, [], s.Config, s.SourcePath, s.IsBuiltin) : s)] };
            fileCommands = fileCommands with { Commands = [.. fileCommands.Commands.Select(c => c.Scope == CommandScope.Project ? c with { AllowedTools = [] } : c)] };
        }
        var results = await loading.ConfigureAwait(false);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("plugins read");
        // --plugin-dir: loaded by the same loader for this run only; every problem is shown with where and why.
        foreach (var d in await StreamJson.PluginDirectories.LoadAsync(plugins, pluginDirectories ?? [], ct).ConfigureAwait(false))
        {
            diagnostics.Report(d);
        }
        var problems = fileSkills.Diagnostics.Concat(fileCommands.Diagnostics).ToList();
        if (verbose)
        {
            problems.AddRange(results.SelectMany(r => r.Diagnostics));
        }
        problems.AddRange(SkillDiscovery.Register(skills, fileSkills.Skills));
        commands.SetSource(CommandCatalog.FilesSource, fileCommands.Commands, priority: 1);
        foreach (var d in problems)
        {
            diagnostics.Warning($"{d}");
        }
        if (!verbose && PluginProblems.Summary(results) is { } summary)
        {
            diagnostics.Warning(summary);
        }
        // The Skill tool only returns instructions: it runs without asking (a deny rule in any layer still wins).
        var defaults = checker.Policy[PermissionLayer.Defaults];
        checker.ReplaceLayer(PermissionLayer.Defaults, PermissionRuleSet.Create(
            defaults.Rules.Add(PermissionRule.Parse("Skill", PermissionBehavior.Allow, new RuleSource(PermissionLayer.Defaults)))));
        var host = new ExtensionHost(skills, commands, plugins, checker, projectDirectory);
        host._grants.RuleRejected += (_, error) => diagnostics.Error(error.Message);
        return host;
    }

    private static bool IsUnder(string? path, string directory) =>
        path is not null && Path.GetFullPath(path).StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + "/", StringComparison.Ordinal);

    /// <summary>The <c>Skill</c> tool over this run's skills.</summary>
    public ITool CreateSkillTool(Func<SubstitutionContext> context) => new SkillTool(Skills, context);

    /// <summary>Expands <c>/name args</c> (a user-invocable skill, else a custom command); other prompts are returned unchanged.</summary>
    public async Task<string> ExpandPromptAsync(string prompt, SubstitutionContext context, TextWriter stderr)
    {
        var expansion = SlashCommands.Expand(prompt, Skills, Commands, context);
        if (expansion.Message is { } message)
        {
            await stderr.WriteLineAsync($"forge: {message}").ConfigureAwait(false);
        }
        var index = 0;
        foreach (var text in expansion.AllowedTools)
        {
            var source = new RuleSource(PermissionLayer.Session, Commands.Get(expansion.Name!)?.SourcePath, $"allowed-tools[{index++}]");
            if (!PermissionRule.TryParse(text, PermissionBehavior.Allow, source, out var rule, out var error))
            {
                await stderr.WriteLineAsync($"forge: {error.Message}").ConfigureAwait(false);
            }
            else if (!_checker.SessionRules.Any(r => r.Text == rule.Text))
            {
                _checker.AddSessionRule(rule);
            }
        }
        return expansion.Prompt;
    }

    public void Dispose() => _grants.Dispose();
}
