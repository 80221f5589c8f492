using CodeForge.Cli.Composition;
using CodeForge.Cli.Runtime;
using Spectre.Console;
using CodeForge.Core.Paths;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// Starts the interactive <c>forge</c>: decides what the terminal can do (an ANSI terminal gets raw keys, redraws and a
/// spinner; <c>TERM=dumb</c> or piped input gets plain lines), builds the runtime with a permission prompt, runs the
/// session, and restores the terminal however the session ends.
/// </summary>
internal static class InteractiveRunner
{
    public static async Task<int> RunAsync(ForgeOptions options, Func<string, string?> environment, CancellationToken ct)
    {
        var term = environment("TERM");
        var ansiTerminal = !Console.IsInputRedirected && !Console.IsOutputRedirected && term is not (null or "" or "dumb");
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = ansiTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment("NO_COLOR") is { Length: > 0 } || !ansiTerminal ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = ansiTerminal ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        IKeySource source;
        LineKeySource? lines = null;
        ConsoleKeySource? raw = null;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Ctrl-C interrupts the turn (or, twice on an empty prompt, exits), never kills forge mid-write.
            e.Cancel = true;
            lines?.Interrupt();
        };
        if (ansiTerminal)
        {
            Console.TreatControlCAsInput = true;
            source = raw = new ConsoleKeySource();
        }
        else
        {
            source = lines = new LineKeySource(Console.In);
        }
        Console.CancelKeyPress += onCancel;
        using var router = new KeyRouter(source);
        using var screen = new Screen(console, ansiTerminal);
        try
        {
            // Problems found while loading are shown in the session's welcome, not scrolled past on stderr; later ones
            // (hook messages, settings problems) as notices.
            var diagnostics = new DiagnosticLog();
            // Workspace trust: before anything from the folder runs, an untrusted (or changed) folder is shown and asked about.
            options = await InteractiveTrust.DecideAsync(options, screen, router, environment, diagnostics, ct).ConfigureAwait(false);
            var userWait = new UserWaitClock();
            // Settings, model and permissions first: the welcome and the prompt are shown from them while the rest
            // (extensions, MCP, session, tools, sandbox probe, git status, SessionStart hooks) is built in the background.
            var early = RuntimeStages.ComposeEarly(options, diagnostics, environment,
                (checker, locations) => new InteractivePermissionPrompt(screen, router, checker, Path.GetFullPath(options.WorkingDirectory), locations.LocalSettingsPath,
                    note => screen.Write(c => c.MarkupLine("[grey]" + Markup.Escape(note) + "[/]")), userWait));
            if (early is null)
            {
                return await FailedAsync(diagnostics).ConfigureAwait(false);
            }
            var hookSource = options.Resume is not null || options.Continue ? "resume" : "startup";
            await using var engine = new StartingEngine(StartingView.From(early), diagnostics, async token =>
            {
                var runtime = await ForgeRuntime.CreateAsync(early, diagnostics, verboseOutput: null, token).ConfigureAwait(false);
                if (runtime is null)
                {
                    return null;
                }
                // The status line and /permissions show the protection: the session decides the sandbox here, in the
                // background build, while the SessionStart hooks run (forge -p leaves it to the first command).
                var sandbox = runtime.Shells.SandboxAsync(token);
                var built = new ForgeEngine(runtime, environment, [], userWait: userWait);
                runtime.WatchSettings(built.OnSettingsChanged);
                await runtime.Hooks.StartAsync(hookSource, runtime.Provider.Model, token).ConfigureAwait(false);
                await sandbox.ConfigureAwait(false);
                return built;
            }, ct);
            // A run that can still fail to start (a session to resume, an --agent to find) is built before the welcome,
            // as before: its problems are printed and nothing is painted.
            if ((options.Resume is not null || options.Continue || options.MainAgent is not null)
                && !await engine.ReadyAsync(ct).ConfigureAwait(false))
            {
                return await FailedAsync(diagnostics).ConfigureAwait(false);
            }
            var history = new InputHistory(ForgeFiles.InUserDirectory(early.Settings.Home, "history"));
            var session = new InteractiveSession(engine, screen, router, history, Program.InformationalVersion);
            try
            {
                return await session.RunAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                if (engine.Completed is ForgeEngine { Runtime: var runtime })
                {
                    await runtime.Hooks.EndAsync("prompt_input_exit", CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            if (ansiTerminal)
            {
                Console.TreatControlCAsInput = false;
                // Show the cursor and reset colours whatever state the session ended in.
                await Console.Out.WriteAsync("\u001b[?25h\u001b[0m").ConfigureAwait(false);
                await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            raw?.Dispose();
        }
    }

    private static async Task<int> FailedAsync(DiagnosticLog diagnostics)
    {
        foreach (var d in diagnostics.Kept)
        {
            await Console.Error.WriteLineAsync($"forge: {d.Message}").ConfigureAwait(false);
        }
        return 1;
    }
}
