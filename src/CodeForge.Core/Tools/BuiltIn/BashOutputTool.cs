using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeForge.Core.Shells;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// <c>BashOutput</c> (Claude Code's name and parameters: <c>bash_id</c>, optional <c>filter</c> regex): the output a
/// background shell produced since the previous BashOutput call, with its status and, once finished, its exit code.
/// </summary>
/// <remarks>
/// Concurrency: reads go through the shell's shared cursor (<see cref="ShellProcess.GetNewOutput"/>), which is atomic, so
/// concurrent calls for one shell split the output between them — every character is returned exactly once. At most
/// <see cref="BashToolOptions.MaxOutputChars"/> per stream per call; the rest stays for the next call. Lines the filter
/// drops are consumed (as in Claude Code).
/// </remarks>
public sealed class BashOutputTool : ITool, IToolAccessDescriber, IPermissionFactsDescriber
{
    private static readonly TimeSpan FilterTimeout = TimeSpan.FromSeconds(2);

    private readonly ShellManager _shells;
    private readonly BashToolOptions _options;

    public BashOutputTool(ShellManager shells, BashToolOptions? options = null)
    {
        _shells = shells ?? throw new ArgumentNullException(nameof(shells));
        _options = options ?? BashToolOptions.Default;
    }

    public string Name => "BashOutput";

    public string Description =>
        "Retrieves output from a running or completed background bash shell: only the output since the last BashOutput "
        + "call, with the shell's status (running, completed, failed, killed) and exit code. Optionally filter lines with a "
        + "regular expression (lines that do not match are discarded). Shell ids come from Bash with run_in_background. "
        + "Use it to check on a server or long test run instead of waiting on it with sleep. Not for foreground commands "
        + "(their output comes back with the Bash call itself); once a shell is killed or done, its remaining output is "
        + "returned once.";

    public ToolCategory Category => ToolCategory.Execution;

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.BashOutputArgs);

    /// <summary>The permission facts of a call: reads a background shell's output only.</summary>
    public static PermissionFacts Facts(JsonElement arguments) => new() { ReadOnly = true };

    /// <inheritdoc />
    public PermissionFacts DescribePermissions(JsonElement arguments) => Facts(arguments);

    /// <summary>Reads only the shell's own buffers: touches nothing a file tool touches.</summary>
    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context) => ToolAccess.None;

    public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        if (!Schema.TryRead(arguments, ToolArgsJsonContext.Default.BashOutputArgs, out var args, out var invalid))
        {
            return Task.FromResult(ToolResult.Fail(invalid));
        }
        var id = args.BashId;
        var filter = args.Filter;
        Regex? regex = null;
        if (!string.IsNullOrEmpty(filter))
        {
            try
            {
                regex = new Regex(filter, RegexOptions.CultureInvariant, FilterTimeout);
            }
            catch (ArgumentException ex)
            {
                return Task.FromResult(ToolResult.Fail($"'filter' is not a valid regular expression ({ex.Message}). Fix the pattern or omit it."));
            }
        }
        var shell = _shells.Get(id);
        if (shell is null)
        {
            return Task.FromResult(ToolResult.Fail(NotFound(_shells, id)));
        }
        var state = shell.State;
        var output = shell.GetNewOutput(_options.MaxOutputChars);
        var pending = Math.Max(0, shell.Stdout.EndOffset - output.Stdout.NextOffset) + Math.Max(0, shell.Stderr.EndOffset - output.Stderr.NextOffset);
        string stdout, stderr;
        try
        {
            stdout = Filter(OutputSanitizer.CleanText(output.Stdout.Text), regex);
            stderr = Filter(OutputSanitizer.CleanText(output.Stderr.Text), regex);
        }
        catch (RegexMatchTimeoutException)
        {
            return Task.FromResult(ToolResult.Fail(
                $"'filter' took longer than {FilterTimeout.TotalSeconds:0} s on the output (catastrophic backtracking?); the output read is lost. Use a simpler pattern."));
        }
        var text = new StringBuilder();
        text.Append("<status>").Append(StatusName(state.Status)).Append("</status>\n");
        if (state.IsFinal && state.ExitCode is { } code)
        {
            text.Append("<exit_code>").Append(code.ToString(CultureInfo.InvariantCulture)).Append("</exit_code>\n");
        }
        if (stdout.Length > 0)
        {
            text.Append("<stdout>\n").Append(stdout).Append(stdout.EndsWith('\n') ? "" : "\n").Append("</stdout>\n");
        }
        if (stderr.Length > 0)
        {
            text.Append("<stderr>\n").Append(stderr).Append(stderr.EndsWith('\n') ? "" : "\n").Append("</stderr>\n");
        }
        if (stdout.Length == 0 && stderr.Length == 0)
        {
            text.Append(regex is null ? "(no new output)\n" : "(no new output matching the filter)\n");
        }
        if (output.SkippedChars > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{output.SkippedChars} earlier characters were dropped from the shell's buffer before they were read]\n");
        }
        if (pending > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{pending} more characters are waiting; call BashOutput again to read them]\n");
        }
        var metadata = ImmutableDictionary<string, object?>.Empty
            .Add("bash_id", shell.Id)
            .Add("status", StatusName(state.Status))
            .Add("exit_code", state.IsFinal ? state.ExitCode : null);
        return Task.FromResult(ToolResult.Ok(text.ToString().TrimEnd('\n'), metadata));
    }

    /// <summary>Claude Code's status words.</summary>
    internal static string StatusName(ShellStatus status) => status switch
    {
        ShellStatus.Pending or ShellStatus.Running => "running",
        ShellStatus.Completed => "completed",
        ShellStatus.Failed => "failed",
        ShellStatus.Killed => "killed",
        ShellStatus.TimedOut => "timed_out",
        _ => status.ToString().ToLowerInvariant(),
    };

    internal static string NotFound(ShellManager shells, string id)
    {
        var known = shells.List().Select(s => s.Id).ToList();
        return $"No background shell with id '{id}'."
            + (known.Count == 0 ? " No background shells exist in this session." : $" Known shells: {string.Join(", ", known)}.");
    }

    private static string Filter(string text, Regex? regex)
    {
        if (regex is null || text.Length == 0)
        {
            return text;
        }
        var kept = text.Split('\n').Where(line => regex.IsMatch(line));
        return string.Join('\n', kept);
    }
}
