namespace CodeForge.Core.Trust;

using CodeForge.Core.Config;

/// <summary>
/// What forge keeps from an untrusted folder's project and local settings files (<c>.claude/settings*.json</c>,
/// <c>.forge/settings*.json</c>): only what cannot run anything, reach anything or widen what the model may do.
/// </summary>
/// <remarks>
/// <para>Kept: <c>permissions.deny</c> and <c>permissions.ask</c> (they only make forge stricter), a <c>defaultMode</c> of
/// <c>default</c> or <c>plan</c> (no more than the user's own), <c>disableBypassPermissionsMode: true</c>, and the model
/// choice (<c>model</c>, <c>effort</c>, <c>maxThinkingTokens</c>, <c>alwaysThinkingEnabled</c>: they pick how the
/// user's own provider answers).</para>
/// <para>Dropped: hooks and <c>disableAllHooks</c>, <c>permissions.allow</c>, other modes (<c>acceptEdits</c>,
/// <c>bypassPermissions</c>, <c>dontAsk</c>), <c>additionalDirectories</c>, <c>env</c>, <c>enabledPlugins</c>,
/// <c>statusLine</c> and every helper command, <c>provider</c> (where prompts and keys go), <c>webFetch</c> and
/// <c>sandbox</c> (what Bash and the web tools may reach), <c>cleanupPeriodDays</c> (it deletes the user's transcripts), and
/// the <c>.mcp.json</c> approval keys. The file's text is replaced by <c>{}</c>, so a reader of the raw text (hooks, MCP
/// approvals) finds nothing in it either.</para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
public static class UntrustedProjectSettings
{
    /// <summary>The file as an untrusted folder's file takes part in a load: user, command-line and managed files pass unchanged.</summary>
    public static SettingsFileContent Restrict(SettingsFileContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Source.Scope is not (SettingsScope.Project or SettingsScope.Local))
        {
            return content;
        }
        return content with { Text = "{}", Fragment = Restrict(content.Fragment) };
    }

    /// <summary>The part of <paramref name="fragment"/> an untrusted folder may set (see the remarks of the class).</summary>
    public static SettingsFragment Restrict(SettingsFragment fragment)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        return SettingsFragment.Empty with
        {
            Model = fragment.Model,
            Deny = fragment.Deny,
            Ask = fragment.Ask,
            DefaultMode = fragment.DefaultMode is "default" or "plan" ? fragment.DefaultMode : null,
            DisableBypassPermissionsMode = fragment.DisableBypassPermissionsMode == true ? true : null,
            Effort = fragment.Effort,
            MaxThinkingTokens = fragment.MaxThinkingTokens,
            AlwaysThinkingEnabled = fragment.AlwaysThinkingEnabled,
        };
    }
}
