using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CodeForge.Core.Shells;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// <c>Bash</c> (Claude Code's name and parameters: <c>command</c>, <c>timeout</c> in ms, <c>description</c>,
/// <c>run_in_background</c>): runs a bash command in the session's current directory and returns its output.
/// </summary>
/// <remarks>
/// <para>Foreground: a new bash per call in its own process group (through <see cref="BashToolOptions.Launcher"/>, so the
/// sandbox applies), standard output and standard error interleaved as produced, a timeout (default 2 min, max 10 min,
/// never beyond the tool context's own limit) and cancellation that kill the whole group, output cleaned and capped with
/// the full text saved to a file, the exit code reported (a non-zero exit is a failed result the model reads, not an
/// exception). The directory the command ends in carries over to the next call, as in a shell; if it is outside the
/// allowed directories the next call starts in the working directory again and the model is told.</para>
/// <para>Background (<c>run_in_background</c>): handed to the <see cref="ShellManager"/>; the result is the shell id for
/// <c>BashOutput</c> and <c>KillShell</c>. The timeout does not apply to background shells.</para>
/// <para>Concurrency: one instance per session. Calls may run concurrently (each has its own process); the current
/// directory is one reference read at the start and written at the end of a call, so with overlapping calls the last to
/// finish decides it. Through the agent loop calls never overlap: <see cref="DescribeAccess"/> says
/// <see cref="ToolAccess.Everything"/> — with or without the sandbox, since a command may write anything in the workspace
/// and <see cref="ToolAccess"/> cannot express "a whole tree", so Bash runs alone, in call order.</para>
/// </remarks>
public sealed class BashTool : ITool, IToolAccessDescriber, IPermissionFactsDescriber
{
    /// <summary>The default timeout: 2 minutes.</summary>
    public const int DefaultTimeoutMs = 120_000;

    /// <summary>The largest timeout: 10 minutes.</summary>
    public const int MaxTimeoutMs = 600_000;

    private static readonly IReadOnlyDictionary<string, string?> CommandEnvironment = new Dictionary<string, string?>
    {
        ["CODEFORGE"] = "1",
        ["GIT_EDITOR"] = "true",
        ["GIT_PAGER"] = "cat",
        ["PAGER"] = "cat",
    };

    private readonly ShellManager _shells;
    private readonly BashToolOptions _options;
    private readonly CommandRunner _runner;
    private string? _directory;
    private int _spillCounter;

    /// <summary>Creates the tool over <paramref name="shells"/> (for background commands).</summary>
    public BashTool(ShellManager shells, BashToolOptions? options = null)
    {
        _shells = shells ?? throw new ArgumentNullException(nameof(shells));
        _options = options ?? BashToolOptions.Default;
        _runner = new CommandRunner(_options.Launcher);
    }

    public string Name => "Bash";

    public string Description =>
        "Executes a bash command and returns its output (standard output and standard error interleaved) and exit code. "
        + "The working directory persists between commands (cd works as in a shell, within the allowed directories); "
        + "environment variables and other shell state do not. Quote paths that contain spaces. "
        + $"Optional timeout in milliseconds (default {DefaultTimeoutMs}, max {MaxTimeoutMs}). "
        + $"Output longer than {_options.MaxOutputChars} characters is shortened and the full output saved to a file you can Read. "
        + "Set run_in_background to true for long-running processes such as servers and watchers; read their output with "
        + "BashOutput and stop them with KillShell (no need for '&'). Processes a foreground command leaves running in the "
        + "background are stopped when it finishes. Prefer the Read, Glob, Grep and Edit tools over cat, find, grep and sed. "
        + "Use Bash for builds, tests, git, package managers and other real shell work. Commands cannot read input: avoid "
        + "interactive ones (editors, pagers, git rebase -i, prompts) or pass the flag that makes them non-interactive. Chain "
        + "dependent commands with &&; make independent commands separate, parallel calls. Do not commit, push or run "
        + "destructive commands (rm -rf, git reset --hard, force-push) unless the user asked for exactly that."
        + (_options.Sandboxed
            ? " Commands run in a sandbox: only the working directory, the allowed directories and /tmp are writable, and there may be no network."
            : "");

    public ToolCategory Category => ToolCategory.Execution;

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.BashArgs);

    /// <summary>Where the next command starts, if a previous command changed directory (null: the working directory).</summary>
    public string? CurrentDirectory => Volatile.Read(ref _directory);

    /// <summary>The permission facts of a call: the command it runs.</summary>
    public static PermissionFacts Facts(JsonElement arguments) => new() { Command = PermissionFacts.Argument(arguments, "command") };

    /// <inheritdoc />
    public PermissionFacts DescribePermissions(JsonElement arguments) => Facts(arguments);

    /// <summary>Always <see cref="ToolAccess.Everything"/>: a command may touch anything (see the remarks).</summary>
    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context) => ToolAccess.Everything;

    public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The schema bounds the timeout to 1..MaxTimeoutMs.
        if (!Schema.TryRead(arguments, ToolArgsJsonContext.Default.BashArgs, out var args, out var invalid))
        {
            return ToolResult.Fail(invalid);
        }
        var command = args.Command;
        var timeoutMs = args.Timeout;
        var background = args.RunInBackground ?? false;
        if (string.IsNullOrWhiteSpace(command))
        {
            return ToolResult.Fail("'command' is empty: give the bash command to run.");
        }
        if (command.Contains('\0', StringComparison.Ordinal))
        {
            return ToolResult.Fail("'command' contains a NUL character, which a shell command cannot contain.");
        }
        var sandboxed = _options.SandboxDecision is { } decide ? await decide(cancellationToken).ConfigureAwait(false) : _options.Sandboxed;
        var notes = new StringBuilder();
        var directory = StartDirectory(context, notes);
        var environment = Environment();
        return background
            ? await StartBackgroundAsync(command, directory, environment, sandboxed, notes, cancellationToken).ConfigureAwait(false)
            : await RunForegroundAsync(command, directory, environment, timeoutMs ?? DefaultTimeoutMs, sandboxed, context, notes, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ToolResult> StartBackgroundAsync(
        string command, string directory, IReadOnlyDictionary<string, string?> environment, bool sandboxed, StringBuilder notes, CancellationToken cancellationToken)
    {
        ShellProcess shell;
        try
        {
            shell = await _shells.CreateAsync(BackgroundCommand(command), directory, environment, timeout: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or DirectoryNotFoundException or ArgumentException or ObjectDisposedException)
        {
            return ToolResult.Fail($"Could not start the background command: {ex.Message}");
        }
        var metadata = ImmutableDictionary<string, object?>.Empty
            .Add("bash_id", shell.Id)
            .Add("cwd", directory)
            .Add("sandboxed", sandboxed);
        return ToolResult.Ok(
            $"{notes}Command running in background with ID: {shell.Id}. Use BashOutput with bash_id \"{shell.Id}\" to read its output "
            + $"and KillShell with shell_id \"{shell.Id}\" to stop it.", metadata);
    }

    /// <summary>The command line a background shell runs: the command under bash, standard error into standard output.</summary>
    internal static string BackgroundCommand(string command) =>
        "exec " + ShellQuote.Join([File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh", "-c", command]) + " 2>&1";

    private async Task<ToolResult> RunForegroundAsync(
        string command, string directory, IReadOnlyDictionary<string, string?> environment, long timeoutMs, bool sandboxed, ToolContext context,
        StringBuilder notes, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromMilliseconds(timeoutMs);
        var capped = false;
        // Stay inside the executor's own limit so that this tool, not the executor, reports the timeout and kills the group.
        if (context.Timeout != Timeout.InfiniteTimeSpan && context.Timeout - TimeSpan.FromSeconds(1) < timeout)
        {
            timeout = context.Timeout > TimeSpan.FromSeconds(2) ? context.Timeout - TimeSpan.FromSeconds(1) : context.Timeout / 2;
            capped = true;
        }
        var outputDirectory = _options.OutputDirectory ?? BashToolOptions.DefaultOutputDirectory(context.SessionId);
        var request = new CommandRequest(command, directory)
        {
            Timeout = timeout,
            Environment = environment,
            MaxOutputChars = _options.MaxOutputChars,
            SpillPath = () => SpillPath(outputDirectory),
        };
        CommandRunResult run;
        try
        {
            run = await _runner.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            return ToolResult.Fail(ex.Message);
        }
        if (run.ExitCode is null)
        {
            return ToolResult.Fail(run.Diagnostics);
        }

        var text = new StringBuilder();
        if (run.LooksBinary)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"[The command printed binary data; non-text bytes were removed. Pipe binary output through `xxd | head` or `od -c | head` to inspect it.]\n");
        }
        text.Append(run.Output.TrimEnd('\n'));
        if (run.Output.Length == 0 && !run.TimedOut)
        {
            text.Append("(no output)");
        }
        if (run.Diagnostics.Length > 0)
        {
            text.Append("\n[").Append(sandboxed ? "sandbox" : "shell").Append(": ").Append(run.Diagnostics).Append(']');
        }
        if (run.StoppedBackgroundProcesses)
        {
            text.Append("\n[Processes the command left running in the background were stopped when it finished; use run_in_background for servers and watchers.]");
        }
        UpdateDirectory(run.FinalDirectory, context, text);
        if (notes.Length > 0)
        {
            text.Insert(0, notes.ToString());
        }
        var metadata = ImmutableDictionary<string, object?>.Empty
            .Add("exit_code", run.ExitCode)
            .Add("timed_out", run.TimedOut)
            .Add("truncated", run.Truncated)
            .Add("output_file", run.OutputFile)
            .Add("output_chars", run.TotalOutputChars)
            .Add("cwd", CurrentDirectory ?? context.WorkingDirectory)
            .Add("sandboxed", sandboxed);
        if (run.TimedOut)
        {
            var limit = capped ? " (the tool call's time limit)" : "";
            return ToolResult.Fail(
                $"Command timed out after {CommandRunner.Describe(timeout)}{limit}; it was killed together with its whole process group. "
                + $"Output before the timeout:\n{text}", metadata);
        }
        return run.ExitCode == 0
            ? ToolResult.Ok(text.ToString(), metadata)
            : ToolResult.Fail($"Exit code {run.ExitCode}\n{text}", metadata);
    }

    private string StartDirectory(ToolContext context, StringBuilder notes)
    {
        var current = Volatile.Read(ref _directory);
        if (current is null)
        {
            return context.WorkingDirectory;
        }
        if (Directory.Exists(current) && IsAllowed(current, context))
        {
            return current;
        }
        Interlocked.CompareExchange(ref _directory, null, current);
        notes.Append(CultureInfo.InvariantCulture,
            $"[The previous working directory {current} is gone or no longer allowed; this command runs in {context.WorkingDirectory}.]\n");
        return context.WorkingDirectory;
    }

    private void UpdateDirectory(string? finalDirectory, ToolContext context, StringBuilder text)
    {
        if (finalDirectory is null)
        {
            return;
        }
        if (IsAllowed(finalDirectory, context))
        {
            Volatile.Write(ref _directory, finalDirectory);
            return;
        }
        Volatile.Write(ref _directory, null);
        text.Append(CultureInfo.InvariantCulture,
            $"\nShell cwd was reset to {context.WorkingDirectory} ({finalDirectory} is outside the allowed directories).");
    }

    private static bool IsAllowed(string directory, ToolContext context)
    {
        string real;
        try
        {
            real = FilePathPolicy.RealPath(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        }
        catch (Exception ex) when (ex is IOException or ArgumentException)
        {
            return false;
        }
        return FilePathPolicy.AllowedRoots(context).Any(root => FilePathPolicy.IsAtOrBelow(real, root));
    }

    private Dictionary<string, string?> Environment()
    {
        var environment = new Dictionary<string, string?>(CommandEnvironment, StringComparer.Ordinal);
        foreach (var (name, value) in _options.Environment)
        {
            environment[name] = value;
        }
        return environment;
    }

    private string SpillPath(string directory)
    {
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        var n = Interlocked.Increment(ref _spillCounter);
        var suffix = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
        return Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"bash-output-{n:D3}-{suffix}.txt"));
    }
}
