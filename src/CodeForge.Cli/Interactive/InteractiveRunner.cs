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
            var runtime = await ForgeRuntime.CreateAsync(options, diagnostics, verboseOutput: null, environment,
                (checker, locations) => new InteractivePermissionPrompt(screen, router, checker, Path.GetFullPath(options.WorkingDirectory), locations.LocalSettingsPath,
                    note => screen.Write(c => c.MarkupLine("[grey]" + Markup.Escape(note) + "[/]")), userWait),
                ct).ConfigureAwait(false);
            if (runtime is null)
            {
                foreach (var d in diagnostics.Kept)
                {
                    await Console.Error.WriteLineAsync($"forge: {d.Message}").ConfigureAwait(false);
                }
                return 1;
            }
            var messages = new List<string>();
            await using var engine = new ForgeEngine(runtime, environment, messages, userWait: userWait);
            messages.AddRange(diagnostics.Attach(d => engine.AddNotice(d.Message)).Select(d => d.Message));
            runtime.WatchSettings(engine.OnSettingsChanged);
            var history = new InputHistory(ForgeFiles.InUserDirectory(runtime.Home, "history"));
            var session = new InteractiveSession(engine, screen, router, history, Program.InformationalVersion);
            await runtime.Hooks.StartAsync(options.Resume is not null || options.Continue ? "resume" : "startup", runtime.Provider.Model, ct).ConfigureAwait(false);
            try
            {
                return await session.RunAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                await runtime.Hooks.EndAsync("prompt_input_exit", CancellationToken.None).ConfigureAwait(false);
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
}
