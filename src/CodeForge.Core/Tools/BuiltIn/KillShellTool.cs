using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Shells;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// <c>KillShell</c> (Claude Code's name and parameter: <c>shell_id</c>): kills a background shell and its whole process
/// tree (its process group) and waits until it has ended.
/// </summary>
/// <remarks>Concurrency: <see cref="ShellManager.KillAsync"/> is safe to race with anything; of concurrent kills of one
/// shell exactly one reports that it killed it, the others that it had already stopped.</remarks>
public sealed class KillShellTool : ITool, IToolAccessDescriber, IPermissionFactsDescriber
{
    private readonly ShellManager _shells;

    public KillShellTool(ShellManager shells) => _shells = shells ?? throw new ArgumentNullException(nameof(shells));

    public string Name => "KillShell";

    public string Description =>
        "Kills a running background bash shell (and every process it started) by its ID. Stop servers and watchers you "
        + "started once you no longer need them. Only shells started with Bash run_in_background in this session can be "
        + "killed; a foreground command ends on its own or at its timeout, and other processes are not yours to stop.";

    public ToolCategory Category => ToolCategory.Execution;

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.KillShellArgs);

    /// <summary>The permission facts of a call: no path, command or URL.</summary>
    public static PermissionFacts Facts(JsonElement arguments) => PermissionFacts.None;

    /// <inheritdoc />
    public PermissionFacts DescribePermissions(JsonElement arguments) => Facts(arguments);

    /// <summary>Acts only on its own shell's processes: touches nothing a file tool touches.</summary>
    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context) => ToolAccess.None;

    public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        if (!Schema.TryRead(arguments, ToolArgsJsonContext.Default.KillShellArgs, out var args, out var invalid))
        {
            return ToolResult.Fail(invalid);
        }
        var id = args.ShellId;
        var shell = _shells.Get(id);
        if (shell is null)
        {
            return ToolResult.Fail(BashOutputTool.NotFound(_shells, id));
        }
        var killed = await shell.KillAndWaitAsync(cancellationToken).ConfigureAwait(false);
        var state = shell.State;
        var status = BashOutputTool.StatusName(state.Status);
        var metadata = ImmutableDictionary<string, object?>.Empty.Add("shell_id", id).Add("status", status).Add("killed", killed);
        return killed
            ? ToolResult.Ok($"Successfully killed shell: {id}", metadata)
            : ToolResult.Ok($"Shell {id} was not running (status: {status}{(state.ExitCode is { } c ? $", exit code {c}" : "")}).", metadata);
    }
}
