using System.CommandLine;
using System.Globalization;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Plugins;
using CodeForge.Core.Shells.Sandbox;
using CodeForge.Core.Trust;
using CodeForge.Mcp.Client;
using CodeForge.Mcp.Config;
using CodeForge.Providers;
using CodeForge.Core.Paths;

namespace CodeForge.Cli;

/// <summary>
/// <c>forge doctor</c>: what forge would find in the current folder: its trust state, the settings files found and their
/// problems, the installed plugins and theirs, the sandbox, the MCP configuration (each server started once and closed, as
/// a run here would start it: nothing of an untrusted folder's own is started), and
/// whether the configured model provider's base URL answers (a connection check only: no key sent, no model called). Each
/// section is one method writing a few lines; a section that finds a problem marks it with <c>⚠</c> and makes the exit code 1.
/// </summary>
/// <remarks>Not shared: one instance per invocation, used from one flow.</remarks>
internal sealed class DoctorCommand(string workingDirectory, string home, Func<string, string?> environment, TextWriter output)
{
    private readonly string _cwd = Path.GetFullPath(workingDirectory);
    private readonly string _root = MemoryFiles.FindRepositoryRoot(Path.GetFullPath(workingDirectory));
    private WorkspaceTrust? _trust;
    private bool _problems;
    private readonly List<McpPluginServer> _pluginServers = [];

    public static Command Build()
    {
        var doctor = new Command("doctor", "Check this folder's trust, settings, plugins, sandbox, MCP configuration and model provider reachability.");
        doctor.SetAction(async (parse, ct) =>
        {
            var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return await new DoctorCommand(Environment.CurrentDirectory, home, Environment.GetEnvironmentVariable, parse.InvocationConfiguration.Output)
                .RunAsync(ct).ConfigureAwait(false);
        });
        return doctor;
    }

    /// <summary>Runs every section; 0 when none found a problem.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        Trust();
        Settings();
        Plugins();
        await SandboxAsync(ct).ConfigureAwait(false);
        await McpAsync(ct).ConfigureAwait(false);
        await ProviderAsync(ct).ConfigureAwait(false);
        return _problems ? 1 : 0;
    }

    /// <summary>Whether the folder's own commands would be used, and what it would run.</summary>
    public void Trust()
    {
        Section("Workspace trust");
        _trust = WorkspaceTrust.Resolve(_cwd, home, trustFlag: false, TrustStore.ForUser(home), Problem);
        Line($"folder: {_trust.Folder}");
        Line(_trust.Reason switch
        {
            TrustReason.NothingToTrust => "nothing to trust: it runs and pre-approves nothing of its own",
            TrustReason.Home => "trusted: your home folder",
            TrustReason.Remembered => $"trusted{(_trust.Decision?.TrustedFolder is { } by && by != _trust.Folder ? $" through {by}" : "")}",
            TrustReason.UserSetting => $"trusted: {WorkspaceTrust.TrustAllSetting} is set in your settings",
            TrustReason.ChangedSinceTrusted => string.Create(CultureInfo.InvariantCulture, $"changed since you trusted it: {_trust.Added.Length} new item(s) are not used until you trust it again (forge trust add)"),
            _ => "not trusted: its hooks, MCP servers, plugins and approvals are not used (forge trust add, or --trust-workspace for one run)",
        });
        foreach (var item in _trust.Disclosure.Lines)
        {
            Line($"  {(_trust.Added.Contains(item) ? "+ " : "")}{item}");
        }
        foreach (var problem in _trust.Disclosure.Problems)
        {
            Problem(problem);
        }
    }

    /// <summary>The settings files found (user, project, local, managed) and every problem in them.</summary>
    public void Settings()
    {
        Section("Settings");
        using var store = new SettingsStore(new SettingsLocations(home, _root));
        var snapshot = store.Current;
        var found = store.Locations.FilesBeforeCommandLine.Add(store.Locations.Managed).Where(f => File.Exists(f.Path)).ToList();
        if (found.Count == 0)
        {
            Line("no settings files");
        }
        foreach (var file in found)
        {
            Line($"{file.Path} ({file.Scope.ToString().ToLowerInvariant()})");
        }
        foreach (var d in snapshot.Diagnostics)
        {
            if (d.IsError)
            {
                Problem(d.ToString());
            }
            else
            {
                Line($"  {d}");
            }
        }
    }

    /// <summary>Installed plugins: enabled or not, and those that cannot be read.</summary>
    public void Plugins()
    {
        Section("Plugins");
        var installed = new PluginStore(home).List();
        if (installed.Count == 0)
        {
            Line("none installed");
            return;
        }
        using var store = new SettingsStore(new SettingsLocations(home, _root));
        var enabled = store.Current.Settings.EnabledPlugins;
        foreach (var plugin in installed)
        {
            var state = enabled.TryGetValue(plugin.Key, out var on) && on ? "enabled" : "disabled";
            var read = PluginReader.Read(plugin.Root);
            Line($"{plugin.Key}: {state}");
            if (state == "enabled" && read.Plugin is { } def)
            {
                // Its MCP servers start with a session: the MCP section lists and checks them with the others.
                _pluginServers.AddRange(def.McpServers.Select(server => new McpPluginServer(def.Name, server.Key, server.Value, def.Root) { PluginData = def.DataDirectory }));
            }
            foreach (var d in read.Diagnostics)
            {
                if (d.IsError)
                {
                    Problem($"{plugin.Key}: {d}");
                }
                else
                {
                    Line($"  {d}");
                }
            }
        }
    }

    /// <summary>Whether Bash commands can be sandboxed here (bubblewrap found and working).</summary>
    public async Task SandboxAsync(CancellationToken ct)
    {
        Section("Sandbox");
        var probe = await BubblewrapSandbox.ProbeAsync(BubblewrapSandbox.Find(), ct).ConfigureAwait(false);
        Line(probe switch
        {
            { Path: null } => "bubblewrap (bwrap) not found: sandbox.enabled would run commands unsandboxed",
            { Works: true } => $"available: {probe.Path}",
            _ => $"{probe.Path} does not work here: {probe.FailureReason}",
        });
    }

    /// <summary>
    /// The MCP servers a run here would start (after trust and the <c>.mcp.json</c> approval keys; with those of the
    /// enabled plugins when <see cref="Plugins"/> ran first), and config problems; then each of them is started once, as a
    /// run would start it (in parallel, each bounded by <c>MCP_TIMEOUT</c>, closed at once), and one that fails is a
    /// problem with the reason and the end of its stderr (what a normal run folds into one line).
    /// </summary>
    public async Task McpAsync(CancellationToken ct)
    {
        var config = Mcp();
        if (config.Servers.IsEmpty)
        {
            return;
        }
        var options = McpClientManagerOptions.FromEnvironment(environment) with { WorkingDirectory = _cwd, ClientVersion = Program.InformationalVersion };
        var manager = new McpClientManager(config.Servers, options);
        await using (manager.ConfigureAwait(false))
        {
            foreach (var status in await manager.ConnectAllAsync(ct).ConfigureAwait(false))
            {
                if (status.State == McpServerState.Failed)
                {
                    Problem($"{status.Name}: failed to start: {McpFailureSummary.OneLine(status.Error)}");
                }
                else
                {
                    Line(string.Create(CultureInfo.InvariantCulture, $"{status.Name}: started, {status.Tools.Length} tool{(status.Tools.Length == 1 ? "" : "s")}"));
                }
            }
        }
    }

    /// <summary>The MCP servers a run here would start (after trust and the <c>.mcp.json</c> approval keys; with those of the
    /// enabled plugins when <see cref="Plugins"/> ran first), and config problems, without starting them.</summary>
    public McpConfigSet Mcp()
    {
        Section("MCP servers");
        var trusted = (_trust ?? WorkspaceTrust.Resolve(_cwd, home, false, TrustStore.ForUser(home))).IsTrusted;
        using var store = new SettingsStore(new SettingsLocations(home, _root), null, null, trusted ? null : UntrustedProjectSettings.Restrict);
        var skipped = new List<string>();
        var config = McpStartup.LoadConfig(_cwd, home, environment, _pluginServers, trusted, McpJsonApproval.From(store.Current.Files), skipped);
        if (config.Servers.IsEmpty && skipped.Count == 0)
        {
            Line("none configured");
        }
        foreach (var server in config.Servers)
        {
            Line($"{server.Name} ({server.Scope.ToString().ToLowerInvariant()}){(server.Error is { } e ? $": {e}" : "")}");
        }
        foreach (var s in skipped)
        {
            Line($"{s}: not started");
        }
        if (!trusted && File.Exists(Path.Combine(_root, ForgeFiles.ProjectMcpFile)))
        {
            Line(".mcp.json: not used (the folder is not trusted)");
        }
        foreach (var d in config.Diagnostics)
        {
            Problem(d.ToString());
        }
        return config;
    }

    /// <summary>How long the provider check waits for a connection and an answer.</summary>
    public static readonly TimeSpan ProviderProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Whether the model provider a run here would use answers at its base URL: one GET, no API key or other credential
    /// sent, no redirect followed, no model called, at most <see cref="ProviderProbeTimeout"/>; a loopback URL is never sent
    /// through a proxy. Any HTTP answer (even 401 or 404) means reachable; no connection or no answer is a problem. No
    /// provider configured is said, not counted as a problem (other commands need none).
    /// </summary>
    public async Task ProviderAsync(CancellationToken ct)
    {
        Section("Model provider (reachability: one request to the base URL, no key sent, no model called)");
        using var store = new SettingsStore(new SettingsLocations(home, _root));
        var settings = store.Current.Settings;
        ProviderConfig provider;
        try
        {
            provider = new ProviderResolver(environment).Resolve(new ProviderOptions(null, null),
                new ProviderSettings(settings.Provider, settings.Model) { OpenAIApi = settings.OpenAIApi });
        }
        catch (ProviderConfigurationException ex)
        {
            Line($"not configured: {ex.Message}");
            return;
        }
        Line($"{provider.DisplayName}, model {provider.Model}, base URL {provider.BaseUrl}");
        using var handler = new System.Net.Http.SocketsHttpHandler
        {
            ConnectTimeout = ProviderProbeTimeout,
            AllowAutoRedirect = false,
            UseProxy = !provider.BaseUrl.IsLoopback,
            UseCookies = false,
        };
        using var http = new System.Net.Http.HttpClient(handler) { Timeout = ProviderProbeTimeout };
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            using var response = await http.GetAsync(provider.BaseUrl, System.Net.Http.HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            var elapsed = TimeProvider.System.GetElapsedTime(started);
            Line(string.Create(CultureInfo.InvariantCulture, $"reachable: HTTP {(int)response.StatusCode} in {elapsed.TotalMilliseconds:0} ms"));
        }
        catch (System.Net.Http.HttpRequestException ex)
        {
            Problem($"not reachable: {provider.BaseUrl}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            Problem(string.Create(CultureInfo.InvariantCulture, $"not reachable: {provider.BaseUrl}: no answer within {ProviderProbeTimeout.TotalSeconds:0} s"));
        }
    }

    private void Section(string title)
    {
        output.WriteLine();
        output.WriteLine(title);
    }

    private void Line(string text) => output.WriteLine("  " + text);

    private void Problem(string text)
    {
        _problems = true;
        output.WriteLine("  ⚠ " + text);
    }
}
