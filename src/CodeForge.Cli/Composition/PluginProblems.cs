using System.Globalization;
using CodeForge.Core.Plugins;

namespace CodeForge.Cli.Composition;

/// <summary>The one line a normal run prints about plugin problems (the details are for <c>--verbose</c> and <c>forge plugin validate</c>).</summary>
internal static class PluginProblems
{
    /// <summary>
    /// "2 plugins have problems (…): run forge plugin validate &lt;dir&gt; or forge -p --verbose", counting the plugins that
    /// failed to load or skipped a skill, command or agent; null when there are none (warnings alone do not count).
    /// </summary>
    public static string? Summary(IEnumerable<PluginLoadResult> results)
    {
        var broken = results.Where(r => r.Diagnostics.Any(d => d.IsError)).ToList();
        if (broken.Count == 0)
        {
            return null;
        }
        var names = string.Join(", ", broken.Select(r => r.Plugin?.Name ?? Path.GetFileName(r.Root)));
        return string.Create(CultureInfo.InvariantCulture,
            $"{broken.Count} plugin{(broken.Count == 1 ? " has" : "s have")} problems ({names}): run forge plugin validate <dir>, or add --verbose");
    }
}
