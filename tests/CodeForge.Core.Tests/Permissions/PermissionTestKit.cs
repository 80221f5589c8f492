using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>Shared fixtures: fixed directories (they need not exist) and tool-call argument builders.</summary>
internal static class PermissionTestKit
{
    public const string Cwd = "/work/proj";
    public const string Home = "/home/alice";

    public static JsonElement Args(params (string Name, object Value)[] pairs) =>
        JsonSerializer.SerializeToElement(pairs.ToDictionary(p => p.Name, p => p.Value));

    public static JsonElement Command(string command) => Args(("command", command));

    public static JsonElement FilePath(string path) => Args(("file_path", path));

    public static JsonElement Url(string url) => Args(("url", url));

    /// <summary>A policy with no defaults and the given rules in the Project layer.</summary>
    public static PermissionPolicy PolicyWith(PermissionBehavior behavior, params string[] rules) =>
        PolicyWith(new RuleSource(PermissionLayer.Project), behavior, rules);

    public static PermissionPolicy PolicyWith(RuleSource source, PermissionBehavior behavior, params string[] rules) =>
        PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty)
            .WithLayer(source.Layer, PermissionRuleSet.Create(rules.Select(r => PermissionRule.Parse(r, behavior, source))));

    /// <summary>Whether the single <paramref name="rule"/> of the <paramref name="behavior"/> list decides the call.</summary>
    public static bool Decides(string rule, PermissionBehavior behavior, string tool, JsonElement args, RuleSource? source = null)
    {
        var decision = PolicyWith(source ?? new RuleSource(PermissionLayer.Project), behavior, rule).Evaluate(tool, args);
        return decision.DecidingRule?.Text == rule && decision.Behavior == behavior;
    }

    public static bool Allows(string rule, string command) => Decides(rule, PermissionBehavior.Allow, "Bash", Command(command));

    public static bool Denies(string rule, string command) => Decides(rule, PermissionBehavior.Deny, "Bash", Command(command));

    public static PermissionChecker NewChecker() => new(Cwd, Home);
}
