using CodeForge.Core.Config;
using CodeForge.Core.Permissions;

namespace CodeForge.Cli.Interactive.Commands;

/// <summary>
/// <c>/permissions</c>: the mode, the rules by layer and how deny rules are enforced; <c>allow|ask|deny &lt;rule&gt;</c>
/// adds a rule now and saves it to the local settings; <c>remove &lt;rule&gt;</c> drops a session rule.
/// </summary>
/// <remarks>Stateless.</remarks>
internal sealed class PermissionsCommand(CommandContext context) : ISlashCommand
{
    private const string Usage = "Usage: /permissions allow|ask|deny <rule>  or  /permissions remove <rule>";

    public string Name => "permissions";

    public string Description => "View or edit permission rules";

    public string ArgumentHint => "[allow|ask|deny <rule> | remove <rule>]";

    public async Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        var engine = context.Engine;
        var parts = arguments.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            var view = engine.PermissionRules;
            var lines = new List<string> { $"Mode: {Modes.Describe(view.Mode)}" };
            lines.AddRange(view.Rules.Select(r => $"{r.Behavior.ToString().ToLowerInvariant(),-5} {r.Rule}  [{r.Layer}]"));
            lines.AddRange(view.Protection);
            context.Lines($"Permissions (/permissions allow|ask|deny <rule> saves to {engine.LocalSettingsPath}; /permissions remove <rule> drops a session rule)", lines);
            return;
        }
        if (parts.Length < 2)
        {
            throw new ArgumentException(Usage);
        }
        switch (parts[0])
        {
            case "allow" or "ask" or "deny":
                var behavior = parts[0] switch { "allow" => PermissionBehavior.Allow, "ask" => PermissionBehavior.Ask, _ => PermissionBehavior.Deny };
                engine.AddSessionRule(behavior, parts[1]);
                await SettingsWriter.AddPermissionRuleAsync(engine.LocalSettingsPath, parts[0], parts[1], cancellationToken).ConfigureAwait(false);
                context.Info($"Added {parts[0]} rule {parts[1]} (now and in {engine.LocalSettingsPath}).");
                break;
            case "remove":
                context.Info(engine.RemoveSessionRule(parts[1]) ? $"Removed session rule {parts[1]}." : $"No session rule {parts[1]} (rules in settings files are edited there).");
                break;
            default:
                throw new ArgumentException(Usage);
        }
    }
}
