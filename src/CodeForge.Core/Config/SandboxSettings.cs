using System.Text.Json;

namespace CodeForge.Core.Config;

/// <summary>What one settings file says about the sandbox (Claude Code's <c>sandbox</c> object); null where it says nothing.</summary>
/// <param name="Enabled"><c>sandbox.enabled</c>.</param>
/// <param name="AllowAllNetwork"><c>sandbox.network.allowAll</c>.</param>
/// <remarks>Immutable.</remarks>
public sealed record SandboxSettingsFragment(bool? Enabled = null, bool? AllowAllNetwork = null);

/// <summary>
/// The effective sandbox settings. <c>enabled</c> (default true: Bash runs inside bubblewrap whenever it works) and
/// <c>network.allowAll</c> (default false: sandboxed commands have no network). A higher layer overrides each key.
/// </summary>
/// <param name="Enabled">Run Bash commands in the sandbox when one is available.</param>
/// <param name="AllowAllNetwork">Give sandboxed commands the host's network.</param>
/// <remarks>Immutable.</remarks>
public sealed record SandboxSettings(bool Enabled = true, bool AllowAllNetwork = false)
{
    /// <summary>The defaults: enabled, no network.</summary>
    public static SandboxSettings Default { get; } = new();

    /// <summary>These settings with what <paramref name="fragment"/> sets applied on top.</summary>
    public SandboxSettings Merge(SandboxSettingsFragment? fragment) =>
        fragment is null ? this : new SandboxSettings(fragment.Enabled ?? Enabled, fragment.AllowAllNetwork ?? AllowAllNetwork);
}

/// <summary>Parses the <c>sandbox</c> object of a settings file, reporting wrong types by key.</summary>
internal static class SandboxSettingsParser
{
    /// <summary>Claude Code keys that forge accepts but does not implement (a warning, not an error).</summary>
    private static readonly string[] Unsupported =
        ["autoAllowBashIfSandboxed", "excludedCommands", "allowUnsandboxedCommands", "enableWeakerNestedSandbox", "ignoreViolations"];

    private static readonly string[] UnsupportedNetwork =
        ["allowUnixSockets", "allowLocalBinding", "httpProxyPort", "socksProxyPort", "allowedDomains"];

    public static SandboxSettingsFragment? Parse(JsonElement value, Action<string, string> error, Action<string, string> warning)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            error("sandbox", $"expected an object such as {{\"enabled\": true, \"network\": {{\"allowAll\": false}}}}, found {SettingsParser.Describe(value)}; ignored");
            return null;
        }
        bool? enabled = null;
        bool? allowAll = null;
        foreach (var property in value.EnumerateObject())
        {
            var key = "sandbox." + property.Name;
            switch (property.Name)
            {
                case "enabled":
                    enabled = Bool(key, property.Value, error);
                    break;
                case "network":
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        error(key, $"expected an object such as {{\"allowAll\": false}}, found {SettingsParser.Describe(property.Value)}; ignored");
                        break;
                    }
                    foreach (var network in property.Value.EnumerateObject())
                    {
                        var networkKey = key + "." + network.Name;
                        if (network.Name == "allowAll")
                        {
                            allowAll = Bool(networkKey, network.Value, error);
                        }
                        else
                        {
                            warning(networkKey, UnsupportedNetwork.Contains(network.Name, StringComparer.Ordinal)
                                ? "not supported by forge's sandbox (network is all or nothing: use allowAll); ignored"
                                : "unknown sandbox.network setting; ignored");
                        }
                    }
                    break;
                default:
                    warning(key, Unsupported.Contains(property.Name, StringComparer.Ordinal)
                        ? "not supported by forge's sandbox; ignored"
                        : "unknown sandbox setting; ignored");
                    break;
            }
        }
        return new SandboxSettingsFragment(enabled, allowAll);
    }

    private static bool? Bool(string key, JsonElement value, Action<string, string> error)
    {
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        error(key, $"expected true or false, found {SettingsParser.Describe(value)}; ignored");
        return null;
    }
}
