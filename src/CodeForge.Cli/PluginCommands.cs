using System.CommandLine;
using System.Globalization;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Paths;

namespace CodeForge.Cli;

/// <summary>
/// <c>forge plugin list|validate|install|uninstall|enable|disable|marketplace add|list|remove|update</c>. Plugins install into
/// <c>~/.forge/plugins/&lt;marketplace&gt;/&lt;name&gt;</c> and are switched on and off with <c>enabledPlugins</c> in
/// <c>~/.forge/settings.json</c>. Problems are printed as <c>forge: file:line: why</c>; a failed command exits 1.
/// </summary>
internal static class PluginCommands
{
    public static Command Build()
    {
        var plugin = new Command("plugin", "Manage plugins (Claude Code layout): list, validate, install, enable, disable.");

        var list = new Command("list", "List installed plugins and whether they are enabled.");
        list.SetAction(parse => List(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        plugin.Subcommands.Add(list);

        var validateDir = new Argument<string>("dir") { Description = "A plugin directory (or a marketplace directory)." };
        var validate = new Command("validate", "Check a plugin's manifest, skills, commands, agents, hooks and MCP servers.") { validateDir };
        validate.SetAction(parse => Validate(parse.GetValue(validateDir)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        plugin.Subcommands.Add(validate);

        var installWhat = new Argument<string>("plugin") { Description = "A plugin directory, or name@marketplace (a known marketplace's name or a marketplace directory)." };
        var install = new Command("install", "Install a plugin (a copy) and enable it.") { installWhat };
        install.SetAction((parse, ct) => InstallAsync(parse.GetValue(installWhat)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        plugin.Subcommands.Add(install);

        foreach (var (verb, on) in new[] { ("enable", true), ("disable", false) })
        {
            var name = new Argument<string>("name") { Description = "The plugin name or name@marketplace." };
            var command = new Command(verb, $"{(on ? "Enable" : "Disable")} an installed plugin.") { name };
            command.SetAction((parse, ct) => SetEnabledAsync(parse.GetValue(name)!, on, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
            plugin.Subcommands.Add(command);
        }

        var uninstallName = new Argument<string>("name") { Description = "The plugin name or name@marketplace." };
        var keepData = new Option<bool>("--keep-data") { Description = "Keep the plugin's data folder (${CLAUDE_PLUGIN_DATA})." };
        var uninstall = new Command("uninstall", "Delete an installed plugin and its data folder, and drop it from enabledPlugins.") { uninstallName, keepData };
        uninstall.SetAction((parse, ct) => UninstallAsync(parse.GetValue(uninstallName)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct, parse.GetValue(keepData)));
        plugin.Subcommands.Add(uninstall);

        var marketplace = new Command("marketplace", "Manage known marketplaces: add, list, remove, update.");
        var addDir = new Argument<string>("dir") { Description = "A directory with .claude-plugin/marketplace.json." };
        var add = new Command("add", "Remember a marketplace directory under its name.") { addDir };
        add.SetAction((parse, ct) => AddMarketplaceAsync(parse.GetValue(addDir)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        marketplace.Subcommands.Add(add);
        var listMarkets = new Command("list", "List the known marketplaces (added ones, and extraKnownMarketplaces from settings).");
        listMarkets.SetAction(parse => ListMarketplaces(parse.InvocationConfiguration.Output));
        marketplace.Subcommands.Add(listMarkets);
        var removeName = new Argument<string>("name") { Description = "The marketplace name." };
        var remove = new Command("remove", "Forget a marketplace and uninstall its plugins.") { removeName };
        remove.SetAction((parse, ct) => RemoveMarketplaceAsync(parse.GetValue(removeName)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        marketplace.Subcommands.Add(remove);
        var updateName = new Argument<string?>("name") { Description = "The marketplace name (all when omitted).", Arity = ArgumentArity.ZeroOrOne };
        var update = new Command("update", "Re-read known marketplaces (local directories are read in place; remote ones need the network).") { updateName };
        update.SetAction(parse => UpdateMarketplaces(parse.GetValue(updateName), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        marketplace.Subcommands.Add(update);
        plugin.Subcommands.Add(marketplace);
        return plugin;
    }

    private static string Home => Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home
        ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string UserSettingsPath => ForgeFiles.InUserDirectory(Home, ForgeFiles.SettingsFile);

    /// <summary>The settings files (user, project, local) whose <c>extraKnownMarketplaces</c> count.</summary>
    private static IEnumerable<string> SettingsFiles =>
        new SettingsLocations(Home, MemoryFiles.FindRepositoryRoot(Environment.CurrentDirectory)).FilesBeforeCommandLine.Select(f => f.Path);

    private static void Print(TextWriter error, IEnumerable<LoadDiagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            error.WriteLine($"forge: {d}");
        }
    }

    private static int List(TextWriter output, TextWriter error)
    {
        var store = new PluginStore(Home);
        var installed = store.List();
        if (installed.Count == 0)
        {
            output.WriteLine("No plugins installed. Install one with: forge plugin install <dir|name@marketplace>");
            return 0;
        }
        var cwd = Environment.CurrentDirectory;
        using var settings = new SettingsStore(new SettingsLocations(Home, MemoryFiles.FindRepositoryRoot(cwd)));
        var enabled = settings.Current.Settings.EnabledPlugins;
        foreach (var p in installed)
        {
            var state = enabled.TryGetValue(p.Key, out var on) && on ? "enabled" : "disabled";
            var read = PluginReader.Read(p.Root);
            if (read.Plugin is not { } def)
            {
                output.WriteLine($"{p.Key}  {state}  broken: {read.Diagnostics.FirstOrDefault(d => d.IsError)}");
                continue;
            }
            output.WriteLine($"{p.Key}  {def.Manifest.Version ?? "-"}  {state}  {def.Manifest.Description}".TrimEnd());
            if (def.Skills.Length > 0)
            {
                output.WriteLine($"    skills: {string.Join(", ", def.Skills.Select(s => s.Metadata.Name))}");
            }
            if (def.Commands.Length > 0)
            {
                output.WriteLine($"    commands: {string.Join(", ", def.Commands.Select(c => "/" + c.Name))}");
            }
            if (def.Agents.Length > 0)
            {
                output.WriteLine($"    agents: {string.Join(", ", def.Agents.Select(a => a.Name))}");
            }
            if (def.McpServers.Count > 0)
            {
                output.WriteLine($"    mcp servers: {string.Join(", ", def.McpServers.Keys)}");
            }
        }
        return 0;
    }

    private static int Validate(string dir, TextWriter output, TextWriter error)
    {
        var full = Path.GetFullPath(dir);
        if (!Directory.Exists(full))
        {
            error.WriteLine($"forge: {full}: not a directory");
            return 1;
        }
        if (Marketplace.IsMarketplace(full) && !File.Exists(Path.Combine(full, ".claude-plugin", "plugin.json")))
        {
            var diagnostics = new List<LoadDiagnostic>();
            var market = Marketplace.Read(full, diagnostics);
            Print(error, diagnostics);
            if (market is null)
            {
                output.WriteLine($"Marketplace at {full} is not valid.");
                return 1;
            }
            var failed = 0;
            foreach (var entry in market.Plugins.Where(e => e.SourcePath is not null))
            {
                var read = PluginReader.Read(entry.SourcePath!, entry.Definition);
                Print(error, read.Diagnostics);
                failed += read.Succeeded ? 0 : 1;
                output.WriteLine(read.Plugin is { } def ? $"  {entry.Name}: {Summary(def)}" : $"  {entry.Name}: not valid");
            }
            var remote = market.Plugins.Count(e => e.Source is { IsRemote: true });
            output.WriteLine((failed == 0
                ? $"Marketplace '{market.Name}' is valid: {market.Plugins.Length} plugin(s)."
                : $"Marketplace '{market.Name}': {failed} plugin(s) are not valid.")
                + (remote > 0 ? string.Create(CultureInfo.InvariantCulture, $" {remote} come from remote sources and were not checked.") : ""));
            return failed == 0 && !diagnostics.Any(d => d.IsError) ? 0 : 1;
        }
        var result = PluginReader.Read(full);
        Print(error, result.Diagnostics);
        if (result.Plugin is not { } p)
        {
            output.WriteLine($"Plugin at {full} is not valid.");
            return 1;
        }
        output.WriteLine($"Plugin '{p.Name}' is valid: {Summary(p)}.");
        return 0;
    }

    private static string Summary(PluginDefinition p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Skills.Length} skill(s), {p.Commands.Length} command(s), {p.Agents.Length} agent(s), hooks for {p.Hooks?.Events.Count ?? 0} event(s), {p.McpServers.Count} MCP server(s)");

    private static async Task<int> InstallAsync(string what, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var store = new PluginStore(Home);
        PluginInstallResult result;
        var at = what.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || Directory.Exists(what))
        {
            var full = Path.GetFullPath(what);
            if (!Directory.Exists(full))
            {
                await error.WriteLineAsync($"forge: {full}: no such directory (give a plugin directory or name@marketplace)").ConfigureAwait(false);
                return 1;
            }
            if (Marketplace.IsMarketplace(full) && !File.Exists(Path.Combine(full, ".claude-plugin", "plugin.json")))
            {
                await error.WriteLineAsync($"forge: {full} is a marketplace: install one of its plugins with forge plugin install <name>@{what}").ConfigureAwait(false);
                return 1;
            }
            result = store.Install(full);
        }
        else
        {
            var name = what[..at];
            var marketRef = what[(at + 1)..];
            string? why = null;
            var marketDir = Directory.Exists(marketRef) ? Path.GetFullPath(marketRef) : store.FindMarketplace(marketRef, SettingsFiles, out why);
            if (why is not null)
            {
                await error.WriteLineAsync($"forge: {why}").ConfigureAwait(false);
                return 1;
            }
            if (marketDir is null)
            {
                await error.WriteLineAsync($"forge: unknown marketplace '{marketRef}': add it with forge plugin marketplace add <dir>, or give its directory").ConfigureAwait(false);
                return 1;
            }
            var diagnostics = new List<LoadDiagnostic>();
            var market = Marketplace.Read(marketDir, diagnostics);
            Print(error, diagnostics);
            if (market is null)
            {
                return 1;
            }
            result = store.InstallFrom(market, name);
        }
        Print(error, result.Diagnostics);
        if (result.Plugin is not { } installed)
        {
            await output.WriteLineAsync($"Nothing installed.").ConfigureAwait(false);
            return 1;
        }
        await SettingsWriter.SetPluginEnabledAsync(UserSettingsPath, installed.Key, true, ct).ConfigureAwait(false);
        await output.WriteLineAsync($"Installed {installed.Key} in {installed.Root} (enabled).").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> SetEnabledAsync(string name, bool enabled, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var plugin = new PluginStore(Home).Find(name, out var why);
        if (plugin is null)
        {
            await error.WriteLineAsync($"forge: {why}").ConfigureAwait(false);
            return 1;
        }
        try
        {
            await SettingsWriter.SetPluginEnabledAsync(UserSettingsPath, plugin.Key, enabled, ct).ConfigureAwait(false);
        }
        catch (SettingsWriteException ex)
        {
            await error.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        await output.WriteLineAsync($"{(enabled ? "Enabled" : "Disabled")} {plugin.Key}.").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> UninstallAsync(string name, TextWriter output, TextWriter error, CancellationToken ct, bool keepData = false)
    {
        var store = new PluginStore(Home);
        var plugin = store.Find(name, out var why);
        if (plugin is null)
        {
            await error.WriteLineAsync($"forge: {why}").ConfigureAwait(false);
            return 1;
        }
        try
        {
            store.Uninstall(plugin, keepData);
            if (File.Exists(UserSettingsPath))
            {
                await SettingsWriter.UpdateAsync(UserSettingsPath, root => root["enabledPlugins"] is System.Text.Json.Nodes.JsonObject enabled && enabled.Remove(plugin.Key),
                    cancellationToken: ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SettingsWriteException)
        {
            await error.WriteLineAsync($"forge: cannot uninstall {plugin.Key}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        await output.WriteLineAsync($"Uninstalled {plugin.Key}.").ConfigureAwait(false);
        return 0;
    }

    private static int ListMarketplaces(TextWriter output)
    {
        var known = new PluginStore(Home).ListMarketplaces(SettingsFiles);
        if (known.Count == 0)
        {
            output.WriteLine("No marketplaces known. Add one with: forge plugin marketplace add <dir>");
            return 0;
        }
        foreach (var m in known)
        {
            var where = m.Directory ?? $"{m.Source?.Text ?? "unreadable source"} (needs the network)";
            output.WriteLine($"{m.Name}  {where}  from {m.Origin}");
        }
        return 0;
    }

    private static async Task<int> RemoveMarketplaceAsync(string name, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var removed = await new PluginStore(Home).RemoveMarketplaceAsync(name, ct).ConfigureAwait(false);
        if (removed is null)
        {
            await error.WriteLineAsync($"forge: no marketplace named '{name}' was added (see forge plugin marketplace list; those from settings are removed there)").ConfigureAwait(false);
            return 1;
        }
        await output.WriteLineAsync($"Removed marketplace '{name}'{(removed.Count > 0 ? $" and uninstalled {string.Join(", ", removed)}" : "")}.").ConfigureAwait(false);
        return 0;
    }

    private static int UpdateMarketplaces(string? name, TextWriter output, TextWriter error)
    {
        var known = new PluginStore(Home).ListMarketplaces(SettingsFiles).Where(m => name is null || m.Name == name).ToList();
        if (name is not null && known.Count == 0)
        {
            error.WriteLine($"forge: no marketplace named '{name}' (see forge plugin marketplace list)");
            return 1;
        }
        var failed = 0;
        foreach (var m in known)
        {
            if (m.Directory is null)
            {
                error.WriteLine($"forge: marketplace '{m.Name}' comes from {m.Source?.Text}, which forge cannot fetch; not updated");
                failed++;
                continue;
            }
            var diagnostics = new List<LoadDiagnostic>();
            var market = Marketplace.Read(m.Directory, diagnostics);
            Print(error, diagnostics.Where(d => d.IsError));
            failed += market is null ? 1 : 0;
            if (market is not null)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m.Name}: {market.Plugins.Length} plugin(s), read from {m.Directory}"));
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static async Task<int> AddMarketplaceAsync(string dir, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var diagnostics = new List<LoadDiagnostic>();
        var market = await new PluginStore(Home).AddMarketplaceAsync(dir, diagnostics, ct).ConfigureAwait(false);
        Print(error, diagnostics);
        if (market is null)
        {
            return 1;
        }
        await output.WriteLineAsync($"Added marketplace '{market.Name}' ({market.Plugins.Length} plugin(s)).").ConfigureAwait(false);
        return 0;
    }
}
