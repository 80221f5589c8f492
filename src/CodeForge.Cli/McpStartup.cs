using CodeForge.Cli.Composition;
using System.Collections.Immutable;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;
using CodeForge.Mcp.Client;
using CodeForge.Mcp.Config;

namespace CodeForge.Cli;

/// <summary>
/// The MCP servers of one forge run: reads their configuration, starts them all in parallel at once (each bounded by
/// <c>MCP_TIMEOUT</c>), and later hands over the tools of those that connected. Problems are reported to the run's <see cref="DiagnosticLog"/>.
/// Disposal closes every server (stdio servers are killed).
/// </summary>
internal sealed class McpStartup : IAsyncDisposable
{
    private readonly DiagnosticLog _diagnostics;
    private readonly Task<ImmutableArray<McpServerStatus>> _connecting;

    private McpStartup(McpClientManager manager, DiagnosticLog diagnostics, Task<ImmutableArray<McpServerStatus>> connecting)
    {
        Manager = manager;
        _diagnostics = diagnostics;
        _connecting = connecting;
    }

    public McpClientManager Manager { get; }

    /// <summary>How servers that fail to start are reported (default: one line each). Set once, before the servers'
    /// failures are reported (<see cref="GetToolsAsync"/>, <see cref="RegisterAsTheyConnect"/>).</summary>
    public McpFailureReport FailureReport { get; set; } = McpFailureReport.Each;

    /// <summary>The configuration of a project (<c>.mcp.json</c> at its root) and a home directory.</summary>
    public static McpConfigSet LoadConfig(string cwd, string home, Func<string, string?> environment, IEnumerable<McpPluginServer>? plugins = null) =>
        McpConfigLoader.Load(McpConfigSources.ForProject(MemoryFiles.FindRepositoryRoot(cwd), home) with { Plugins = [.. plugins ?? []] }, environment);

    /// <summary>
    /// As <see cref="LoadConfig(string, string, Func{string, string?}, IEnumerable{McpPluginServer}?)"/>, for a run whose folder
    /// is trusted or not: an untrusted folder's <c>.mcp.json</c> is not read at all (a user server of the same name stays);
    /// a trusted one's servers start as <paramref name="approval"/> allows. <paramref name="skipped"/> gets each server left out, with why.
    /// </summary>
    public static McpConfigSet LoadConfig(string cwd, string home, Func<string, string?> environment, IEnumerable<McpPluginServer>? plugins,
        bool projectTrusted, McpJsonApproval approval, ICollection<string> skipped, McpConfigFileMemory? lastGood = null)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(skipped);
        var sources = McpConfigSources.ForProject(MemoryFiles.FindRepositoryRoot(cwd), home) with { Plugins = [.. plugins ?? []] };
        var config = McpConfigLoader.Load(projectTrusted ? sources : sources with { ProjectFile = null }, environment, lastGood);
        var kept = config.Servers.Where(server =>
        {
            if (server.Scope != McpConfigScope.Project || approval.Allows(server.Name, out var why))
            {
                return true;
            }
            skipped.Add($"{server.Name} ({why})");
            return false;
        });
        return config with { Servers = [.. kept] };
    }

    /// <summary>Loads the configuration and starts connecting to every server in the background.</summary>
    public static Task<McpStartup> BeginAsync(string cwd, string home, Func<string, string?> environment, DiagnosticLog diagnostics,
        CancellationToken cancellationToken, IEnumerable<McpPluginServer>? plugins = null) =>
        BeginAsync(LoadConfig(cwd, home, environment, plugins), cwd, environment, diagnostics, cancellationToken);

    /// <summary>Starts connecting to every server of <paramref name="config"/> in the background.</summary>
    public static Task<McpStartup> BeginAsync(McpConfigSet config, string cwd, Func<string, string?> environment, DiagnosticLog diagnostics,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var d in config.Diagnostics)
        {
            diagnostics.Error($"{d}", d.File, d.Line);
        }
        var problems = new List<string>();
        var options = McpClientManagerOptions.FromEnvironment(environment, problems) with
        {
            WorkingDirectory = cwd,
            ClientVersion = Program.InformationalVersion,
        };
        foreach (var p in problems)
        {
            diagnostics.Warning(p);
        }
        var manager = new McpClientManager(config.Servers, options);
        var connecting = config.Servers.IsEmpty ? Task.FromResult(ImmutableArray<McpServerStatus>.Empty) : manager.ConnectAllAsync(cancellationToken);
        return Task.FromResult(new McpStartup(manager, diagnostics, connecting) { _problems = ProblemText(config.Diagnostics) });
    }

    /// <summary>No configured server at all (<c>--strict-mcp-config</c>: only the <c>--mcp-config</c> servers start).</summary>
    public static McpStartup None(string cwd, Func<string, string?> environment, DiagnosticLog diagnostics)
    {
        var options = McpClientManagerOptions.FromEnvironment(environment, []) with { WorkingDirectory = cwd, ClientVersion = Program.InformationalVersion };
        return new McpStartup(new McpClientManager([], options), diagnostics, Task.FromResult(ImmutableArray<McpServerStatus>.Empty));
    }

    /// <summary>
    /// Hands each server's tools to <paramref name="register"/> as soon as that server connects (on a background flow) and
    /// reports each failure then, so the front end is usable while servers start (<c>/mcp</c> shows them starting).
    /// </summary>
    public void RegisterAsTheyConnect(Action<ImmutableArray<ITool>> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        var waits = Manager.Servers.Select(server => RegisterWhenConnectedAsync(server.Name, register)).ToArray();
        _ = ReportWhenAllSettledAsync(waits);
    }

    /// <summary>Registers the server's tools once it connects; its status when it failed, else null.</summary>
    private async Task<McpServerStatus?> RegisterWhenConnectedAsync(string server, Action<ImmutableArray<ITool>> register)
    {
        try
        {
            var status = await Manager.ConnectAsync(server, CancellationToken.None).ConfigureAwait(false);
            if (status.State == McpServerState.Failed)
            {
                if (FailureReport == McpFailureReport.Each)
                {
                    ReportFailures([status]);
                }
                return status;
            }
            var names = status.Tools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            register([.. Manager.GetTools().Where(t => names.Contains(t.Name))]);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // forge is closing.
        }
        return null;
    }

    private async Task ReportWhenAllSettledAsync(Task<McpServerStatus?>[] waits)
    {
        var settled = await Task.WhenAll(waits).ConfigureAwait(false);
        if (FailureReport != McpFailureReport.Each)
        {
            ReportFailures([.. settled.OfType<McpServerStatus>()], interactive: true);
        }
    }

    /// <summary>
    /// Reports failed servers as <see cref="FailureReport"/> says: each on its own line; or every detail kept for the
    /// start-up event (<see cref="DiagnosticLog.Record"/>) and one line shown — the failure itself when only one server
    /// failed, else how many and where the details are; or the details kept and nothing shown.
    /// </summary>
    private void ReportFailures(IReadOnlyList<McpServerStatus> failed, bool interactive = false)
    {
        if (failed.Count == 0)
        {
            return;
        }
        var details = failed.Select(s => Diagnostic.Error($"MCP server \"{s.Name}\" failed: {McpFailureSummary.OneLine(s.Error)}")).ToList();
        if (FailureReport == McpFailureReport.Each || (FailureReport == McpFailureReport.Summary && failed.Count == 1))
        {
            details.ForEach(_diagnostics.Report);
            return;
        }
        details.ForEach(_diagnostics.Record);
        if (FailureReport == McpFailureReport.Summary)
        {
            _diagnostics.Error(McpFailureSummary.Line(failed.Select(s => s.Name), interactive));
        }
    }

    /// <summary>Waits for the start-up (bounded by the timeout), reports failed servers and returns the connected servers' tools.</summary>
    public async Task<ImmutableArray<ITool>> GetToolsAsync()
    {
#pragma warning disable VSTHRD003 // started by BeginAsync on this run's own flow; forge has no synchronization context
        var statuses = await _connecting.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        ReportFailures([.. statuses.Where(s => s.State == McpServerState.Failed)]);
        return Manager.GetTools();
    }

    private Func<Core.Config.SettingsSnapshot, McpConfigSet>? _reload;

    /// <summary>Lets <see cref="ApplySettingsAsync"/> read the server set again for a settings version (start-up calls it
    /// once, when the set comes from the settings and <c>.mcp.json</c>).</summary>
    public void ReloadWith(Func<Core.Config.SettingsSnapshot, McpConfigSet> load) => _reload = load;

    /// <summary>The configuration problems last reported (start-up's, then each live apply's); only the live worker writes it.</summary>
    private string _problems = "";

    private static string ProblemText(ImmutableArray<McpConfigDiagnostic> problems) => string.Join('\n', problems);

    /// <summary>
    /// Reads the server set for <paramref name="next"/> (the MCP files as they are now, a broken one keeping its last good
    /// servers) and, when it differs, makes it the manager's. The manager swaps its set at once; the tools of removed and
    /// replaced servers are withdrawn through <paramref name="deregister"/> in one <paramref name="publish"/> step; new and
    /// replaced servers are then started (each within the start-up timeout, outside any gate, a failure reported) and all
    /// their tools handed to <paramref name="register"/> in a second <paramref name="publish"/> step. So a decision inside
    /// the settings gate sees the tool list before, between or after those two steps — never a tool of a server no longer
    /// in the set, nor part of a started server's tools. Null when live reload is off. Called by one worker at a time.
    /// </summary>
    public async Task<McpSetApplied?> ApplySettingsAsync(Core.Config.SettingsSnapshot next, Func<Action, Task> publish,
        Action<ImmutableArray<ITool>> register, Action<IEnumerable<string>> deregister, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentNullException.ThrowIfNull(register);
        ArgumentNullException.ThrowIfNull(deregister);
        if (_reload is not { } reload)
        {
            return null;
        }
        var config = reload(next);
        var problemsText = ProblemText(config.Diagnostics);
        var problemsChanged = !string.Equals(problemsText, _problems, StringComparison.Ordinal);
        _problems = problemsText;
        if (!Manager.WouldChange(config.Servers))
        {
            return new McpSetApplied(null, config.Diagnostics, problemsChanged);
        }
        var toolsBefore = Manager.GetStatuses().ToDictionary(st => st.Name, st => st.Tools, StringComparer.Ordinal);
        var change = await Manager.ApplyAsync(config.Servers, cancellationToken).ConfigureAwait(false);
        var gone = change.Removed.Concat(change.Restarted).SelectMany(name => toolsBefore[name]).Select(t => t.Name).ToList();
        if (gone.Count > 0)
        {
            await publish(() => deregister(gone)).ConfigureAwait(false);
        }
        var started = await Task.WhenAll(change.Added.Concat(change.Restarted)
            .Select(name => Manager.ConnectAsync(name, cancellationToken)).ToArray()).ConfigureAwait(false);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var status in started)
        {
            if (status.State == McpServerState.Failed)
            {
                _diagnostics.Error($"MCP server \"{status.Name}\" failed: {status.Error}");
                continue;
            }
            names.UnionWith(status.Tools.Select(t => t.Name));
        }
        ImmutableArray<ITool> tools = [.. Manager.GetTools().Where(t => names.Contains(t.Name))];
        if (!tools.IsEmpty)
        {
            await publish(() => register(tools)).ConfigureAwait(false);
        }
        return new McpSetApplied(change, config.Diagnostics, problemsChanged);
    }

    public async ValueTask DisposeAsync()
    {
        // Closing first cancels any start still in progress, so exiting never waits for a slow server.
        await Manager.DisposeAsync().ConfigureAwait(false);
        try
        {
#pragma warning disable VSTHRD003 // see GetToolsAsync
            await _connecting.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // An interrupted start-up: every server is closed already.
        }
    }
}

/// <summary>What one live apply of the MCP server set did.</summary>
/// <param name="Change">The servers added, removed and restarted; null when the set was already the desired one.</param>
/// <param name="Problems">The problems in the MCP files now (a broken file's last good servers stay, with a note).</param>
/// <param name="ProblemsChanged">Whether <paramref name="Problems"/> differ from those last reported.</param>
/// <remarks>Immutable.</remarks>
internal sealed record McpSetApplied(McpServerSetChange? Change, ImmutableArray<McpConfigDiagnostic> Problems, bool ProblemsChanged);

/// <summary>How a run reports MCP servers that failed to start.</summary>
internal enum McpFailureReport
{
    /// <summary>One line per failed server (<c>--verbose</c>, and commands other than a run).</summary>
    Each,

    /// <summary>At most one line: the failure when one server failed, else a count that points to <c>forge doctor</c>; the
    /// details are kept for the start-up event.</summary>
    Summary,

    /// <summary>No line; the details are kept for the start-up event (<c>--output-format json|stream-json</c>).</summary>
    RecordOnly,
}

/// <summary>The one line a run prints when several MCP servers failed to start.</summary>
internal static class McpFailureSummary
{
    /// <summary>A server's failure on one line: the SDK's text can hold the server's stderr tail on lines of its own.</summary>
    public static string OneLine(string? error) =>
        string.Join(" | ", (error ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>"2 MCP servers failed to start (a, b): run forge doctor for details, or add --verbose" (in the terminal UI:
    /// "…: see /mcp or run /doctor for details").</summary>
    public static string Line(IEnumerable<string> servers, bool interactive = false)
    {
        var names = servers.ToList();
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{names.Count} MCP server{(names.Count == 1 ? "" : "s")} failed to start ({string.Join(", ", names)}): {(interactive ? "see /mcp or run /doctor for details" : "run forge doctor for details, or add --verbose")}");
    }
}
