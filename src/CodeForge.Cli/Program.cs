using System.CommandLine;
using System.Globalization;
using CodeForge.Cli.Headless;
using CodeForge.Core.Sessions;

namespace CodeForge.Cli;

/// <summary>The <c>forge</c> entry point.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        // `forge --version` is what scripts and installers call most: answer it before the command tree (about 150
        // options and subcommands) is built. Same text as System.CommandLine's version option.
        if (args is ["--version"])
        {
            Console.Out.WriteLine(InformationalVersion);
            return 0;
        }
        // The runtime read the binary's dehydrated type data once, before Main; its ~5 MB of pages need not stay resident.
        Native.StartupPages.Release();
        CodeForge.Core.Diagnostics.StartupTrace.Mark("main");
        var root = BuildRootCommand();
        return Agents.AgentSelf.Finish(root.Parse(args).Invoke());
    }

    internal static RootCommand BuildRootCommand()
    {
        var prompt = new Argument<string?>("prompt") { Description = "The prompt (with -p); read from stdin when omitted.", Arity = ArgumentArity.ZeroOrOne };
        prompt.Validators.Add(result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (value is not null && value.StartsWith('-'))
            {
                result.AddError($"Unrecognized command or argument '{value}'. See forge --help.");
            }
        });
        var print = new Option<bool>("--print", "-p") { Description = "Answer the prompt and exit (headless, for scripts and CI)." };
        var format = new Option<string>("--output-format") { Description = "text, json or stream-json (with -p).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "stream-json");
        var verbose = new Option<bool>("--verbose") { Description = "Show tool calls on stderr (text output)." };
        var maxTurns = new Option<int?>("--max-turns") { Description = "Stop after this many model calls." };
        var permissionMode = new Option<string?>("--permission-mode") { Description = "default, acceptEdits, plan, dontAsk or bypassPermissions." };
        permissionMode.AcceptOnlyFromAmong("default", "acceptEdits", "plan", "dontAsk", "bypassPermissions");
        var allowed = new Option<string[]>("--allowedTools", "--allowed-tools") { Description = "Permission rules to allow, e.g. \"Bash(npm test)\" Read.", AllowMultipleArgumentsPerToken = true };
        var disallowed = new Option<string[]>("--disallowedTools", "--disallowed-tools") { Description = "Permission rules to deny.", AllowMultipleArgumentsPerToken = true };
        var append = new Option<string?>("--append-system-prompt") { Description = "Text added to the end of the system prompt." };
        var model = new Option<string?>("--model") { Description = "Model id or alias (sonnet, opus, haiku, gpt, ...)." };
        var provider = new Option<string?>("--provider") { Description = "anthropic, openai, ollama, openai-compatible, openrouter, lmstudio, vllm." };
        var cont = new Option<bool>("--continue", "-c") { Description = "Continue the latest session of this project." };
        var resume = new Option<string?>("--resume", "-r") { Description = "Resume the session with this id." };
        var sessionId = new Option<string?>("--session-id") { Description = "Use this UUID for the new session." };
        var fork = new Option<bool>("--fork-session") { Description = "With --resume/--continue: continue in a new session." };
        var noPersist = new Option<bool>("--no-session-persistence") { Description = "Do not save this session." };
        var effort = new Option<string?>("--effort") { Description = "Reasoning effort: low, medium, high, max or none (over the effort setting)." };
        effort.AcceptOnlyFromAmong("low", "medium", "high", "max", "xhigh", "none", "off");
        var maxThinking = new Option<int?>("--max-thinking-tokens") { Description = "Thinking budget in tokens (0 turns thinking off); wins over MAX_THINKING_TOKENS." };
        maxThinking.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0)
            {
                r.AddError("--max-thinking-tokens must be 0 or more.");
            }
        });

        var root = new RootCommand("CodeForge: an AI coding agent for the terminal.")
        {
            prompt, print, format, verbose, maxTurns, permissionMode, allowed, disallowed, append, model, provider, cont, resume, sessionId, fork, noPersist,
            effort, maxThinking,
        };
        var sdk = StreamJson.SdkFlags.AddTo(root);
        var agentFlags = Agents.AgentFlags.AddTo(root);
        var trustWorkspace = new Option<bool>("--trust-workspace") { Description = "Use this folder's own hooks, MCP servers, plugins and permission rules for this run (forge trust add remembers it)." };
        root.Options.Add(trustWorkspace);
        root.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var options = new Composition.ForgeOptions
            {
                WorkingDirectory = Environment.CurrentDirectory,
                MaxTurns = parse.GetValue(maxTurns),
                PermissionMode = parse.GetValue(permissionMode),
                AllowedTools = SplitRules(parse.GetValue(allowed)),
                DisallowedTools = SplitRules(parse.GetValue(disallowed)),
                AppendSystemPrompt = parse.GetValue(append),
                Model = parse.GetValue(model),
                Provider = parse.GetValue(provider),
                Continue = parse.GetValue(cont),
                Resume = parse.GetValue(resume),
                SessionId = parse.GetValue(sessionId),
                ForkSession = parse.GetValue(fork),
                NoSessionPersistence = parse.GetValue(noPersist),
                Effort = parse.GetValue(effort),
                MaxThinkingTokens = parse.GetValue(maxThinking),
            };
            options = sdk.Apply(parse, options);
            options = await agentFlags.ApplyAsync(parse, options, output, error, ct).ConfigureAwait(false);
            if (agentFlags.ExitCode is { } agentExit)
            {
                return agentExit;
            }
            options = options with { TrustWorkspace = parse.GetValue(trustWorkspace) };
            if (sdk.MisplacedReason(parse, parse.GetValue(format)!) is { } misplaced)
            {
                await error.WriteLineAsync($"forge: {misplaced}").ConfigureAwait(false);
                return 1;
            }
            if (sdk.IsSession(parse, parse.GetValue(format)!))
            {
                return await sdk.RunAsync(parse, options with { Verbose = parse.GetValue(verbose) }, parse.GetValue(prompt), output, error, ct).ConfigureAwait(false);
            }
            if (!parse.GetValue(print) && sdk.InteractiveReason(parse) is { } interactiveOnly)
            {
                await error.WriteLineAsync($"forge: {interactiveOnly}").ConfigureAwait(false);
                return 1;
            }
            if (!parse.GetValue(print))
            {
                return await Interactive.InteractiveRunner.RunAsync(options, Environment.GetEnvironmentVariable, ct).ConfigureAwait(false);
            }
            var text = parse.GetValue(prompt);
            if (string.IsNullOrWhiteSpace(text) && Console.IsInputRedirected)
            {
                text = await Console.In.ReadToEndAsync(ct).ConfigureAwait(false);
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                await error.WriteLineAsync("forge: -p needs a prompt: forge -p \"what to do\" (or pipe it on stdin).").ConfigureAwait(false);
                return 1;
            }
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            return await HeadlessRunner.RunAsync(new HeadlessArgs
            {
                Prompt = text,
                Options = options,
                Format = parse.GetValue(format) switch { "json" => OutputFormat.Json, "stream-json" => OutputFormat.StreamJson, _ => OutputFormat.Text },
                Verbose = parse.GetValue(verbose),
            }, output, error, Environment.GetEnvironmentVariable, interrupt.Token).ConfigureAwait(false);
        });

        var sessions = new Command("sessions", "Manage saved sessions.");
        var list = new Command("list", "List this project's sessions, newest first.");
        list.SetAction(parse =>
        {
            var manager = new SessionManager(Environment.CurrentDirectory, new SessionManagerOptions
            {
                RootDirectory = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), CodeForge.Core.Paths.ForgeFiles.ForgeDirectory),
            });
            var output = parse.InvocationConfiguration.Output;
            foreach (var s in manager.ListSessions())
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.SessionId}  {s.Updated:yyyy-MM-dd HH:mm}  {s.MessageCount,4} msgs  {s.Title}"));
            }
            return 0;
        });
        sessions.Subcommands.Add(list);
        root.Subcommands.Add(sessions);
        root.Subcommands.Add(McpCommands.Build());
        root.Subcommands.Add(PluginCommands.Build());
        root.Subcommands.Add(TrustCommands.Build());
        root.Subcommands.Add(Eval.EvalCommands.Build());
        foreach (var command in Agents.AgentCommands.Build())
        {
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(DoctorCommand.Build());
        return root;
    }

    /// <summary>Claude Code accepts rules separated by commas or spaces outside parentheses.</summary>
    internal static string[] SplitRules(string[]? values)
    {
        var rules = new List<string>();
        foreach (var value in values ?? [])
        {
            var depth = 0;
            var start = 0;
            for (var i = 0; i <= value.Length; i++)
            {
                var c = i < value.Length ? value[i] : ',';
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (depth == 0 && (c == ',' || c == ' '))
                {
                    var rule = value[start..i].Trim();
                    if (rule.Length > 0)
                    {
                        rules.Add(rule);
                    }
                    start = i + 1;
                }
            }
        }
        return [.. rules];
    }

    /// <summary>The assembly's informational version, from the build's generated constant (no attribute lookup).</summary>
    internal static string InformationalVersion => ForgeBuildVersion.Informational;
}
