using CodeForge.Core.Commands;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tools;
using CodeForge.Core.Paths;

namespace CodeForge.Cli.Composition;

/// <summary>
/// The skills, custom commands and plugins of one forge run: loaded at start (problems reported to the run's diagnostics as
/// <c>forge: file:line: why</c>, the rest still loads), the <c>Skill</c> tool, the catalogue for the system prompt and
/// the expansion of a prompt that starts with <c>/name</c>.
/// </summary>
internal sealed class ExtensionHost : IDisposable
{
    private readonly PermissionChecker _checker;
    private readonly SkillPermissionGrants _grants;

    private ExtensionHost(SkillRegistry skills, CommandCatalog commands, PluginManager plugins, PermissionChecker checker, string projectDirectory,
        System.Collections.Immutable.ImmutableArray<Diagnostic> pluginProblems)
    {
        PluginLoadProblems = pluginProblems;
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

    /// <summary>Every problem found loading the plugins (installed and <c>--plugin-dir</c>), with file and line: a normal
    /// run prints one summary line and reports these in its <c>system/init</c> event.</summary>
    public System.Collections.Immutable.ImmutableArray<Diagnostic> PluginLoadProblems { get; }

    /// <summary>The skills catalogue for the system prompt (empty when there is no model-invocable skill).</summary>
    public string Catalogue => SkillCatalog.Build(Skills.ListSkills());

    /// <summary>
    /// Loads the user's and project's skills and commands and the enabled installed plugins (concurrently). Problems in
    /// the user's own files are printed; the plugins' are printed only when <paramref name="verbose"/>, otherwise one
    /// line says how many plugins have problems that skipped something (warnings alone print nothing).
    /// </summary>
    public static async Task<ExtensionHost> LoadAsync(string workingDirectory, string projectDirectory, string home, Settings settings,
        PermissionChecker checker, DiagnosticLog diagnostics, CancellationToken ct, bool verbose = false, IReadOnlyList<PluginDirectory>? pluginDirectories = null) =>
        await LoadAsync(workingDirectory, projectDirectory, home, settings, checker, diagnostics, projectTrusted: true, ct, verbose, pluginDirectories).ConfigureAwait(false);

    /// <summary>
    /// As <see cref="LoadAsync(string, string, string, Settings, PermissionChecker, DiagnosticLog, CancellationToken, bool, IReadOnlyList{PluginDirectory})"/>;
    /// when the project folder is not trusted, its own skills and commands load without their <c>allowed-tools</c> (a
    /// repository cannot pre-approve Bash through a skill the model activates).
    /// </summary>
    public static async Task<ExtensionHost> LoadAsync(string workingDirectory, string projectDirectory, string home, Settings settings,
        PermissionChecker checker, DiagnosticLog diagnostics, bool projectTrusted, CancellationToken ct, bool verbose = false,
        IReadOnlyList<PluginDirectory>? pluginDirectories = null)
    {
        var skills = new SkillRegistry();
        var commands = new CommandCatalog();
        var store = new PluginStore(home);
        var plugins = new PluginManager(skills, commands, new PluginReader(store));
        var enabled = store.List().Where(p => settings.EnabledPlugins.TryGetValue(p.Key, out var on) && on).Select(p => p.Root);
        var loading = plugins.LoadAllAsync(enabled, ct);
        var fileSkills = SkillDiscovery.Discover(home, projectDirectory, workingDirectory);
        var fileCommands = CommandLoader.Discover(home, projectDirectory);
        // .claude/workflows/*.js of the user and the project: slash commands (and skills) named by their meta.name.
        var fileWorkflows = Core.Plugins.WorkflowLoader.Discover(home, projectDirectory, workingDirectory);
        fileCommands = new CommandLoadResult([.. fileWorkflows.Workflows.Select(w => w.ToCommand()),
            .. fileCommands.Commands.Where(c => !fileWorkflows.Workflows.Any(w => w.Name == c.Name))], [.. fileCommands.Diagnostics, .. fileWorkflows.Diagnostics]);
        if (!projectTrusted)
        {
            fileSkills = fileSkills with { Skills = [.. fileSkills.Skills.Select(s => IsUnder(s.SourcePath, projectDirectory)
                ? s with { Tools = [], File = null } : s)] };
            fileCommands = fileCommands with { Commands = [.. fileCommands.Commands.Select(c => c.Scope == CommandScope.Project ? c with { AllowedTools = [] } : c)] };
        }
        var results = await loading.ConfigureAwait(false);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("plugins read");
        // --plugin-dir: loaded by the same loader for this run only; every problem is shown with where and why.
        var directoryProblems = await PluginDirectories.LoadAsync(plugins, pluginDirectories ?? [], ct).ConfigureAwait(false);
        foreach (var d in directoryProblems)
        {
            diagnostics.Report(d);
        }
        System.Collections.Immutable.ImmutableArray<Diagnostic> pluginProblems = [.. results.SelectMany(r => r.Diagnostics.Select(d =>
            new Diagnostic(d.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, $"{r.Plugin?.Name ?? Path.GetFileName(r.Root)}: {d}", d.File, d.Line ?? 0))),
            .. directoryProblems];
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
        var host = new ExtensionHost(skills, commands, plugins, checker, projectDirectory, pluginProblems);
        host._grants.RuleRejected += (_, error) => diagnostics.Error(error.Message);
        return host;
    }

    private static bool IsUnder(string? path, string directory) =>
        path is not null && PathText.IsUnder(PathText.Normalize(path), PathText.Normalize(directory));

    /// <summary>The <c>Skill</c> tool over this run's skills.</summary>
    public ITool CreateSkillTool(Func<SubstitutionContext> context) => new SkillTool(Skills, context, Commands);

    /// <summary>The <c>Workflow</c> tool over this run's workflows (plugin, project and user); its agents run through <paramref name="task"/>.</summary>
    public ITool CreateWorkflowTool(Func<ITool?> task)
    {
        IEnumerable<string> Names() => Commands.List().Where(c => c.Workflow is not null).Select(c => c.Name);
        WorkflowDefinition? Find(string name) =>
            Commands.Get(name)?.Workflow ?? (NamespacedNames.Resolve(name, Names()) is { IsAmbiguous: false, Name: { } full } ? Commands.Get(full)?.Workflow : null);
        return new WorkflowTool(Find, Names, task);
    }

    /// <summary>Expands <c>/name args</c> (a user-invocable skill, else a custom command); other prompts are returned
    /// unchanged. A problem (an unknown name, a bad <c>allowed-tools</c> rule) goes to <paramref name="report"/>.</summary>
    public string ExpandPrompt(string prompt, SubstitutionContext context, Action<Diagnostic> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var expansion = SlashCommands.Expand(prompt, Skills, Commands, context);
        if (expansion.Message is { } message)
        {
            report(Diagnostic.Warning(message));
        }
        var index = 0;
        foreach (var text in expansion.AllowedTools)
        {
            var sourcePath = Commands.Get(expansion.Name!)?.SourcePath;
            var source = new RuleSource(PermissionLayer.Session, sourcePath, $"allowed-tools[{index++}]");
            if (!PermissionRule.TryParse(text, PermissionBehavior.Allow, source, out var rule, out var error))
            {
                report(Diagnostic.Error(error.Message, sourcePath));
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
