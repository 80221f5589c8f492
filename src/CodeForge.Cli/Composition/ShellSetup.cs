using System.Collections.Immutable;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;
using CodeForge.Core.Shells;
using CodeForge.Core.Shells.Sandbox;
using CodeForge.Core.Todos;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Cli.Composition;

/// <summary>
/// The shell side of one forge run: the sandbox decision (made lazily, once, when the first command needs it — a run
/// that runs no command never probes bubblewrap — and reported once), one <see cref="ShellManager"/> whose
/// background shells die with the run, the Bash tools, the session's todo list and TodoWrite. Disposing it kills every
/// background shell, so none outlives forge (also after Ctrl-C or SIGTERM, which cancel the run and unwind to here).
/// </summary>
/// <remarks>Created and disposed by the runner's thread; the tools it hands out are safe for concurrent calls. The sandbox
/// decision is a <see cref="LazySandbox"/> (its concurrency contract: made exactly once, whoever asks first).</remarks>
internal sealed class ShellSetup : IAsyncDisposable
{
    private ShellSetup(LazySandbox sandbox, ShellManager shells, BashToolOptions options, TodoList todos)
    {
        Sandbox = sandbox;
        Shells = shells;
        Options = options;
        Todos = todos;
    }

    /// <summary>The run's sandbox decision, made on first use (<see cref="SandboxAsync"/>).</summary>
    public LazySandbox Sandbox { get; }

    public ShellManager Shells { get; }

    public BashToolOptions Options { get; }

    public TodoList Todos { get; }

    /// <summary>Bash, BashOutput, KillShell and TodoWrite.</summary>
    public ImmutableArray<ITool> Tools => [.. BuiltInTools.CreateShellTools(Shells, Options), BuiltInTools.CreateTodoTool(Todos)];

    /// <summary>The sandbox decision: probes bubblewrap now if nothing has asked before (once per run), else the one made.</summary>
    public Task<SandboxStatus> SandboxAsync(CancellationToken cancellationToken = default) => Sandbox.DecideAsync(cancellationToken);

    /// <summary>
    /// What the tool-call gate awaits before deciding a call (<see cref="ToolCallGateOptions.BeforeDecision"/>): the sandbox
    /// decision before a Bash call, since the rules depend on it (<see cref="PermissionPolicy.SandboxEnforcesDenyRules"/>).
    /// </summary>
    public Task BeforeDecisionAsync(string toolName, CancellationToken cancellationToken) =>
        toolName == "Bash" ? SandboxAsync(cancellationToken) : Task.CompletedTask;

    public static Task<ShellSetup> CreateAsync(
        Settings settings, string cwd, IEnumerable<string> additionalDirectories, string sessionId, bool verbose, TextWriter? todoOutput, DiagnosticLog diagnostics,
        IReadOnlyDictionary<string, string?>? environment = null, PermissionChecker? permissions = null, Func<Task<BubblewrapProbe>>? probe = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(diagnostics);
        // The sandbox enforces the deny rules of the snapshot current when each command starts.
        var denials = permissions is null ? null : new PermissionSandboxDenials(() => permissions.Policy);
        var policy = new SandboxPolicy([cwd, .. additionalDirectories], settings.Sandbox.AllowAllNetwork, denials);
        var enabled = settings.Sandbox.Enabled;
        // Made when the first command (or its permission check) needs it; its report and effects happen then, once.
        var sandbox = new LazySandbox(async () =>
        {
            var status = await BubblewrapSandbox.ConfigureAsync(enabled, policy, probe: probe?.Invoke()).ConfigureAwait(false);
            if (status.IsActive && permissions is not null)
            {
                permissions.Update(p => p.WithSandboxEnforcement(true));
            }
            if (status.IsFallback)
            {
                diagnostics.Warning($"warning: {status.Description}");
            }
            else if (verbose)
            {
                diagnostics.Info(status.Description);
            }
            return status;
        }, expectedActive: enabled && BubblewrapSandbox.Find() is not null);
        var options = new BashToolOptions
        {
            Launcher = sandbox,
            // What the description tells the model: enabled and installed (a kernel that refuses it is found at the first command).
            Sandboxed = sandbox.ExpectedActive,
            SandboxDecision = async ct => (await sandbox.DecideAsync(ct).ConfigureAwait(false)).IsActive,
            OutputDirectory = BashToolOptions.DefaultOutputDirectory(sessionId),
            // The settings' env; a live view (the runtime's) gives each command the variables in force when it starts.
            Environment = environment ?? settings.Env.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal),
        };
        var todos = new TodoList();
        if (todoOutput is not null)
        {
            todos.Subscribe(list => todoOutput.WriteLine($"· todos (v{list.Version}):\n{list.Render()}"));
        }
        return Task.FromResult(new ShellSetup(sandbox, new ShellManager(sandbox), options, todos));
    }

    /// <summary>
    /// <paramref name="context"/> made fit for the shell tools: the saved-output directory readable by Read, and a tool time
    /// limit above Bash's longest timeout (so Bash's own timeout, which kills the process group, fires first).
    /// </summary>
    public ToolContext Apply(ToolContext context)
    {
        var limit = TimeSpan.FromMilliseconds(BashTool.MaxTimeoutMs) + TimeSpan.FromSeconds(30);
        return context with
        {
            AdditionalDirectories = context.AdditionalDirectories.Add(Options.OutputDirectory!),
            Timeout = context.Timeout == Timeout.InfiniteTimeSpan || context.Timeout > limit ? context.Timeout : limit,
        };
    }

    /// <summary>
    /// The protection Bash commands run under, in a few words for the status line: <c>bwrap</c> when the sandbox
    /// enforces the deny rules, else <c>parser-only</c> with why (the full sentence was reported once, when decided).
    /// Before the decision (<see cref="SandboxAsync"/>) is made: <c>sandbox not checked yet</c>.
    /// </summary>
    public string Protection => Sandbox.Decided is not { } decided ? "sandbox not checked yet" : decided.State switch
    {
        SandboxState.Active => "bwrap",
        SandboxState.Disabled => "parser-only (sandbox disabled)",
        SandboxState.NotFound => "parser-only (no bwrap)",
        _ => "parser-only (bwrap refused)",
    };

    /// <summary>
    /// Runs a user's interactive <c>!command</c> through Core's shell runner: its own process group (an interrupt kills the
    /// whole group), the same sandbox as the Bash tool, the settings' environment, the output capped (the rest saved to
    /// a file) and a 10-minute limit.
    /// </summary>
    /// <exception cref="ArgumentException">The command is empty, too long, or contains NUL.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (after the process group was killed).</exception>
    public async Task<CommandRunResult> RunUserCommandAsync(string command, string workingDirectory, CancellationToken cancellationToken)
    {
        var directory = Options.OutputDirectory ?? Path.Combine(Path.GetTempPath(), "forge-bang-output");
        var sandbox = await SandboxAsync(cancellationToken).ConfigureAwait(false);
        return await new CommandRunner(sandbox.Launcher).RunAsync(new CommandRequest(command, workingDirectory)
        {
            Timeout = TimeSpan.FromMilliseconds(BashTool.MaxTimeoutMs),
            Environment = Options.Environment,
            MaxOutputChars = Options.MaxOutputChars,
            SpillPath = () =>
            {
                Directory.CreateDirectory(directory);
                return Path.Combine(directory, $"bang-{Guid.NewGuid():N}.txt");
            },
        }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => Shells.DisposeAsync();
}
