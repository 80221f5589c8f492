using CodeForge.Core.Config;

namespace CodeForge.Cli.Composition;

/// <summary>
/// <c>--settings</c> (a file or a JSON string) and <c>--add-dir</c>: both join the command-line settings layer, under the
/// other flags (<c>--model</c>, <c>--permission-mode</c>, <c>--allowedTools</c> ... win over the same key in
/// <c>--settings</c>) and over the settings files.
/// </summary>
/// <remarks>Pure function of its inputs; problems are reported to the diagnostic log, one each, and the rest applies.</remarks>
internal static class FlagSettings
{
    public static SettingsFragment Merge(SettingsFragment commandLine, ForgeOptions o, DiagnosticLog diagnostics)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (o.SettingsFlag is null && o.AddDirectories.Count == 0)
        {
            return commandLine;
        }
        var flag = SettingsFragment.Empty;
        if (o.SettingsFlag is { Length: > 0 } text)
        {
            var trimmed = text.TrimStart();
            var isJson = trimmed.StartsWith('{');
            var path = isJson ? "--settings" : Path.GetFullPath(text, o.WorkingDirectory);
            string? json = null;
            if (isJson)
            {
                json = text;
            }
            else if (File.Exists(path))
            {
                json = File.ReadAllText(path);
            }
            else
            {
                diagnostics.Error($"--settings: no such file: {path} (pass a settings file or a JSON object)");
            }
            if (json is not null)
            {
                var (fragment, parsed) = SettingsParser.Parse(json, new SettingsSource(SettingsScope.CommandLine, path));
                foreach (var d in parsed)
                {
                    diagnostics.Report(Diagnostic.From(d));
                }
                if (!fragment.Hooks.IsEmpty)
                {
                    diagnostics.Warning($"{path}: hooks in --settings are not run by forge; put them in .forge/settings.json");
                }
                flag = fragment;
            }
        }
        // The other flags win; --settings fills what they leave unset.
        return commandLine with
        {
            Model = commandLine.Model ?? flag.Model,
            Provider = commandLine.Provider ?? flag.Provider,
            DefaultMode = commandLine.DefaultMode ?? flag.DefaultMode,
            Allow = flag.Allow.AddRange(commandLine.Allow),
            Deny = flag.Deny.AddRange(commandLine.Deny),
            Ask = flag.Ask.AddRange(commandLine.Ask),
            AdditionalDirectories = [.. flag.AdditionalDirectories, .. commandLine.AdditionalDirectories, .. o.AddDirectories],
            Env = flag.Env.SetItems(commandLine.Env),
            EnabledPlugins = flag.EnabledPlugins.SetItems(commandLine.EnabledPlugins),
            Hooks = commandLine.Hooks.IsEmpty ? flag.Hooks : commandLine.Hooks,
            StatusLine = commandLine.StatusLine ?? flag.StatusLine,
            DisableBypassPermissionsMode = commandLine.DisableBypassPermissionsMode ?? flag.DisableBypassPermissionsMode,
            CleanupPeriodDays = commandLine.CleanupPeriodDays ?? flag.CleanupPeriodDays,
            WebFetch = commandLine.WebFetch ?? flag.WebFetch,
            Sandbox = commandLine.Sandbox ?? flag.Sandbox,
        };
    }
}
