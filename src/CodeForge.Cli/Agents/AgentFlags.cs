using System.CommandLine;
using System.Diagnostics;
using CodeForge.Cli.Composition;
using CodeForge.Cli.Runtime;
using CodeForge.Core.Background;

namespace CodeForge.Cli.Agents;

/// <summary>
/// <c>--bg</c> and <c>-w/--worktree [name]</c> on the root command. <see cref="ApplyAsync"/> runs first in the root
/// action: with <c>--worktree</c> it creates the worktree and moves the session into it; with <c>--bg</c> it launches
/// the agent process and sets <see cref="ExitCode"/> (the caller returns it at once). In an agent process
/// (<c>FORGE_AGENT_ID</c> set) it registers the process as running.
/// </summary>
/// <remarks>One instance per root command; the action runs once per process.</remarks>
internal sealed class AgentFlags
{
    public Option<bool> Background { get; } = new("--bg", "--background")
    {
        Description = "Start the prompt as a background agent and return at once (manage with forge agents, logs, attach, stop).",
    };

    public Option<string?> Worktree { get; } = new("--worktree", "-w")
    {
        Description = "Run the session in a new git worktree (.forge/worktrees/NAME, branch worktree-NAME); NAME defaults to the session id's start.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>Set when the action must end with this code (the agent was launched, or the launch failed).</summary>
    public int? ExitCode { get; private set; }

    public static AgentFlags AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var flags = new AgentFlags();
        root.Options.Add(flags.Background);
        root.Options.Add(flags.Worktree);
        return flags;
    }

    public async Task<ForgeOptions> ApplyAsync(ParseResult parse, ForgeOptions options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        AgentSelf.Begin();
        var background = parse.GetValue(Background);
        var worktreeResult = parse.GetResult(Worktree);
        var wantsWorktree = worktreeResult is { Implicit: false };
        if (!background && !wantsWorktree)
        {
            return options;
        }
        var sessionId = options.SessionId;
        if (sessionId is null && options.Resume is null && !options.Continue)
        {
            sessionId = Guid.NewGuid().ToString();
            options = options with { SessionId = sessionId };
        }
        Worktrees.Created? worktree = null;
        if (wantsWorktree)
        {
            var name = parse.GetValue(Worktree) is { Length: > 0 } given ? given : (sessionId ?? Guid.NewGuid().ToString())[..8];
            try
            {
                worktree = await Worktrees.CreateAsync(options.WorkingDirectory, name, ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                await error.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
                ExitCode = 1;
                return options;
            }
            options = options with { WorkingDirectory = worktree.WorkingDirectory };
            Environment.CurrentDirectory = worktree.WorkingDirectory;
            if (!background)
            {
                await error.WriteLineAsync($"forge: working in worktree {worktree.Path} (branch {worktree.Branch})").ConfigureAwait(false);
                AgentSelf.InWorktree(worktree);
            }
        }
        if (background)
        {
            ExitCode = await LaunchAsync(parse, options, sessionId, worktree, worktreeResult, output, error, ct).ConfigureAwait(false);
        }
        return options;
    }

    private static async Task<int> LaunchAsync(ParseResult parse, ForgeOptions options, string? sessionId, Worktrees.Created? worktree,
        System.CommandLine.Parsing.OptionResult? worktreeResult, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var raw = Environment.GetCommandLineArgs();
        var args = ChildArguments(raw[1..], worktreeResult, sessionId);
        var promptArgument = parse.CommandResult.Command.Arguments.OfType<Argument<string?>>().FirstOrDefault(a => a.Name == "prompt");
        if ((promptArgument is null || string.IsNullOrWhiteSpace(parse.GetValue(promptArgument))) && Console.IsInputRedirected)
        {
            var piped = await Console.In.ReadToEndAsync(ct).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(piped))
            {
                args.Add(piped);
            }
        }
        var prompt = promptArgument is null ? null : parse.GetValue(promptArgument);
        if (string.IsNullOrWhiteSpace(prompt) && args.Count > 0 && !args[^1].StartsWith('-'))
        {
            prompt = args[^1];
        }
        if (string.IsNullOrWhiteSpace(prompt))
        {
            await error.WriteLineAsync("forge: --bg needs a prompt: forge --bg -p \"what to do\"").ConfigureAwait(false);
            return 1;
        }
        var registry = AgentSelf.Registry();
        var id = AgentRegistry.NewId();
        var log = registry.LogPathFor(id);
        registry.Create(new AgentRecord
        {
            Id = id,
            SessionId = sessionId,
            WorkingDirectory = options.WorkingDirectory,
            Worktree = worktree?.Path,
            Branch = worktree?.Branch,
            BaseCommit = worktree?.BaseCommit,
            Prompt = prompt,
            Status = AgentStatus.Starting,
            Started = TimeProvider.System.GetUtcNow(),
            LogPath = log,
        });
        // sh redirects the agent's stdio to its log (stdin from /dev/null) and execs forge in the same process, which then
        // leaves the terminal's session (setsid, in AgentSelf.Begin): closing the terminal does not stop it.
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$@\" </dev/null >>\"$FORGE_AGENT_LOG\" 2>&1");
        psi.ArgumentList.Add("forge-agent");
        var executable = Environment.ProcessPath ?? "forge";
        psi.ArgumentList.Add(executable);
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet")
        {
            psi.ArgumentList.Add(raw[0]);
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment[AgentSelf.IdVariable] = id;
        psi.Environment[AgentRegistry.DirectoryVariable] = registry.Directory;
        psi.Environment["FORGE_AGENT_LOG"] = log;
        int pid;
        using (var process = Process.Start(psi) ?? throw new InvalidOperationException("The agent process could not be started."))
        {
            pid = process.Id;
        }
        var start = ProcessProbe.StartTime(pid);
        registry.Update(id, r => r with { Pid = r.Pid ?? pid, ProcessStart = r.ProcessStart ?? start });
        var where = worktree is null ? options.WorkingDirectory : $"{worktree.Path} (branch {worktree.Branch})";
        await output.WriteLineAsync($"Started background agent {id} (pid {pid}, session {sessionId ?? "from --resume"}) in {where}.").ConfigureAwait(false);
        await output.WriteLineAsync($"  forge agents · forge logs {id} -f · forge attach {id} · forge stop {id}").ConfigureAwait(false);
        return 0;
    }

    /// <summary>The command line of the agent process: the user's, without --bg and --worktree (already applied),
    /// printing stream-json with --verbose to its log, with the session id chosen here.</summary>
    internal static List<string> ChildArguments(string[] raw, System.CommandLine.Parsing.OptionResult? worktreeResult, string? sessionId)
    {
        var args = new List<string>();
        var worktreeValue = worktreeResult is { Implicit: false } && worktreeResult.Tokens.Count > 0 ? worktreeResult.Tokens[0].Value : null;
        var hasPrint = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var a = raw[i];
            if (a is "--bg" or "--background" or "--verbose")
            {
                continue;
            }
            if (a is "-w" or "--worktree")
            {
                if (worktreeValue is not null && i + 1 < raw.Length && raw[i + 1] == worktreeValue)
                {
                    i++;
                }
                continue;
            }
            if (a.StartsWith("--worktree=", StringComparison.Ordinal) || a.StartsWith("--output-format=", StringComparison.Ordinal))
            {
                continue;
            }
            if (a == "--output-format")
            {
                i++;
                continue;
            }
            hasPrint |= a is "-p" or "--print";
            args.Add(a);
        }
        if (!hasPrint)
        {
            args.Insert(0, "-p");
        }
        if (sessionId is not null && !raw.Any(a => a == "--session-id" || a.StartsWith("--session-id=", StringComparison.Ordinal)))
        {
            args.Insert(0, sessionId);
            args.Insert(0, "--session-id");
        }
        args.InsertRange(0, ["--output-format", "stream-json", "--verbose"]);
        return args;
    }
}
