using CodeForge.Cli.Interactive.Commands;
using Spectre.Console;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// The interactive <c>forge</c>'s input loop: reads prompts (with the type-ahead and queued prompts of the last turn),
/// dispatches slash commands (<see cref="SlashCommands"/>), <c>!shell</c> commands (<see cref="BangCommandRunner"/>) and
/// prompts with <c>@file</c> attachments (<see cref="FileAttachments"/>), runs turns drawn by a <see cref="TurnRenderer"/>
/// while <see cref="TurnKeys"/> watches the keys, and shows the welcome, the status line and the engine's notices.
/// Esc or Ctrl-C interrupts a running turn; Ctrl-C twice on an empty prompt, Ctrl-D or <c>/exit</c> ends the session.
/// </summary>
/// <remarks>
/// Concurrency: one input loop; during a turn a watcher task (<see cref="TurnKeys"/>) reads the keys while the turn's
/// events are rendered; a permission prompt takes the keys from the watcher while it asks. A notice raised on another
/// flow during a turn is written at once. All output goes through the <see cref="Screen"/>.
/// </remarks>
internal sealed class InteractiveSession
{
    private readonly IInteractiveEngine _engine;
    private readonly Screen _screen;
    private readonly LineEditor _editor;
    private readonly SlashCommands _commands = new();
    private readonly StatusLine _status;
    private readonly ThinkingView _thinking;
    private readonly TimeProvider _time;
    private readonly BangCommandRunner _bang;
    private readonly FileAttachments _attachments;
    private readonly List<string> _pendingContext = [];
    private readonly TurnKeys _turnKeys;
    private long _lastInterrupt = long.MinValue;
    private volatile bool _turnRunning;
    private bool _exit;
    private CommandContext? _customPending;

    public InteractiveSession(IInteractiveEngine engine, Screen screen, KeyRouter keys, InputHistory history, string version, TimeProvider? timeProvider = null)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _screen = screen ?? throw new ArgumentNullException(nameof(screen));
        ArgumentNullException.ThrowIfNull(keys);
        _time = timeProvider ?? TimeProvider.System;
        _status = new StatusLine(engine, version);
        _thinking = new ThinkingView(() => engine.Model);
        _bang = new BangCommandRunner(engine, screen);
        _turnKeys = new TurnKeys(keys, screen, _thinking);
        _attachments = new FileAttachments(engine.WorkingDirectory, () => engine.AdditionalDirectories);
        var commandContext = new CommandContext(engine, screen, _thinking, RunTurnAsync, () => _exit = true);
        if (engine.IsReady)
        {
            BuiltInCommands.Register(_commands, commandContext);
        }
        else
        {
            // Still starting: the custom commands and skills are added once the engine is built.
            BuiltInCommands.RegisterBuiltIns(_commands, commandContext);
            _customPending = commandContext;
        }
        // A notice that arrives while a turn runs is shown at once (no line is being edited then); at the prompt it
        // waits for the next input.
        engine.NoticesArrived += () =>
        {
            if (_turnRunning)
            {
                ShowNotices();
            }
        };
        _editor = new LineEditor(screen, keys, history, new PromptCompletion(_commands, engine.WorkingDirectory));
    }

    internal SlashCommands Commands => _commands;

    /// <summary>Runs until the user exits; returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Welcome();
        CodeForge.Core.Diagnostics.StartupTrace.Mark("first paint");
        var initial = "";
        while (!_exit && !cancellationToken.IsCancellationRequested)
        {
            ShowNotices();
            await ShowStatusAsync(cancellationToken).ConfigureAwait(false);
            if (_turnKeys.TryDequeue(out var queued))
            {
                // A prompt typed and sent while the last turn ran.
                _screen.Write(c => c.MarkupLine("[bold]>[/] " + Markup.Escape(queued)));
                await HandleAsync(queued, cancellationToken).ConfigureAwait(false);
                continue;
            }
            initial += _turnKeys.TakeTypeAhead();
            CodeForge.Core.Diagnostics.StartupTrace.MarkOnce("prompt shown");
            var line = await _editor.ReadAsync("> ", initial, cancellationToken).ConfigureAwait(false);
            initial = "";
            switch (line.Kind)
            {
                case LineResultKind.EndOfInput:
                    _exit = true;
                    continue;
                case LineResultKind.Interrupted:
                    var now = _time.GetTimestamp();
                    if (_lastInterrupt != long.MinValue && _time.GetElapsedTime(_lastInterrupt, now) < TimeSpan.FromSeconds(2))
                    {
                        _exit = true;
                        continue;
                    }
                    _lastInterrupt = now;
                    Info("Press Ctrl-C again to exit.");
                    continue;
                case LineResultKind.CycleMode:
                    if (!await EnsureReadyAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return 1;
                    }
                    var mode = Modes.Next(_engine.Mode);
                    _engine.SetMode(mode);
                    Info($"⏵⏵ {Modes.Describe(mode)} (shift+tab to cycle)");
                    initial = line.Text;
                    continue;
            }
            _lastInterrupt = long.MinValue;
            if (!await EnsureReadyAsync(cancellationToken).ConfigureAwait(false))
            {
                return 1;
            }
            await HandleAsync(line.Text, cancellationToken).ConfigureAwait(false);
        }
        if (!await EnsureReadyAsync(cancellationToken).ConfigureAwait(false))
        {
            return 1;
        }
        _screen.Write(c => c.MarkupLine("[grey]Bye. Resume this session with[/] forge -r " + Markup.Escape(_engine.SessionId)));
        return 0;
    }

    /// <summary>
    /// Waits for an engine that is still being built (the welcome and the prompt were shown before it was; keys typed
    /// meanwhile wait in the key router), then adds its custom commands. False, after showing the notices that say why,
    /// when it could not be built.
    /// </summary>
    private async Task<bool> EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (!_engine.IsReady && !await _engine.ReadyAsync(cancellationToken).ConfigureAwait(false))
        {
            ShowNotices();
            return false;
        }
        if (_customPending is { } context)
        {
            _customPending = null;
            BuiltInCommands.RegisterCustom(_commands, context);
        }
        return true;
    }

    /// <summary>Handles one submitted input: a slash command, a <c>!</c> shell command or a prompt for the model.</summary>
    internal async Task HandleAsync(string input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return;
        }
        if (input.StartsWith('!'))
        {
            await RunShellAsync(input[1..].Trim(), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (SlashCommands.TryParse(input, out var name, out var args))
        {
            var command = _commands.Find(name);
            if (command is null)
            {
                var suggestions = _commands.Suggest(name);
                Error($"Unknown command /{name}." + (suggestions.Count > 0 ? " Did you mean " + string.Join(", ", suggestions.Select(s => "/" + s)) + "?" : " Type /help for the list."));
                return;
            }
            try
            {
                await command.RunAsync(args, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                Error(ex.Message);
            }
            return;
        }
        await RunTurnAsync(WithAttachments(input), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one agent turn and renders its events (see <see cref="TurnRenderer"/>).</summary>
    internal async Task RunTurnAsync(string prompt, CancellationToken cancellationToken)
    {
        if (_pendingContext.Count > 0)
        {
            prompt = string.Join("\n", _pendingContext) + "\n\n" + prompt;
            _pendingContext.Clear();
        }
        var renderer = new TurnRenderer(_screen, _thinking, _engine.WorkingDirectory, ShowNotices);
        renderer.Start();
        _turnRunning = true;
        try
        {
            await _turnKeys.RunAsync(async turn =>
            {
                try
                {
                    await foreach (var e in _engine.RunTurnAsync(prompt, turn).ConfigureAwait(false))
                    {
                        renderer.Render(e);
                    }
                }
                catch (OperationCanceledException) when (turn.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    renderer.Interrupted();
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _turnRunning = false;
            renderer.Finish();
            _exit |= _turnKeys.InputEnded;
        }
    }

    private async Task RunShellAsync(string command, CancellationToken cancellationToken)
    {
        if (command.Length == 0)
        {
            Info("Type a shell command after !, e.g. !git status");
            return;
        }
        await _turnKeys.RunAsync(async turn => _pendingContext.Add(await _bang.RunAsync(command, turn).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
        _exit |= _turnKeys.InputEnded;
    }

    /// <summary>Attaches the files named by <c>@path</c> words (see <see cref="FileAttachments"/>) and says which.</summary>
    internal string WithAttachments(string prompt)
    {
        var result = _attachments.Attach(prompt);
        _screen.Write(c =>
        {
            foreach (var rel in result.Attached)
            {
                c.MarkupLine($"  [grey]⎿ attached {Markup.Escape(rel)}[/]");
            }
            foreach (var (rel, reason) in result.Refused)
            {
                c.MarkupLine($"  [yellow]⎿ not attached {Markup.Escape(rel)}:[/] [grey]{Markup.Escape(reason)}[/]");
            }
        });
        return result.Prompt;
    }

    private void Welcome()
    {
        _screen.Write(c =>
        {
            var body = new Rows(
                new Markup("[bold]✻ CodeForge[/] [grey]" + Markup.Escape(_engine.ProviderName + " · " + _engine.Model) + "[/]"),
                new Markup("[grey]cwd: " + Markup.Escape(_engine.WorkingDirectory) + "[/]"),
                new Markup("[grey]/help for commands · shift+tab to change mode · esc to interrupt · ctrl-c twice to exit[/]"));
            c.Write(new Panel(body) { Border = BoxBorder.Rounded, BorderStyle = new Style(Color.Orange1) });
            foreach (var m in _engine.StartupMessages)
            {
                c.MarkupLine("[yellow]⚠[/] " + Markup.Escape(m));
            }
        });
    }

    private async Task ShowStatusAsync(CancellationToken cancellationToken)
    {
        var (text, warning) = await _status.RenderAsync(cancellationToken).ConfigureAwait(false);
        _screen.Write(c =>
        {
            if (warning is not null)
            {
                c.MarkupLine("[yellow]⚠[/] " + Markup.Escape(warning));
            }
            c.MarkupLine("[grey]" + Markup.Escape(text) + "[/]");
        });
    }

    /// <summary>Shows the engine's notices that arrived since the last look (settings changes and their problems).</summary>
    private void ShowNotices()
    {
        var notices = _engine.TakeNotices();
        if (notices.Count == 0)
        {
            return;
        }
        _screen.Write(c =>
        {
            foreach (var n in notices)
            {
                c.MarkupLine("[yellow]⚙[/] [grey]" + Markup.Escape(n) + "[/]");
            }
        });
    }

    private void Info(string text) => _screen.Write(c => c.MarkupLine("[grey]" + Markup.Escape(text) + "[/]"));

    private void Error(string text) => _screen.Write(c => c.MarkupLine("[red]" + Markup.Escape(text) + "[/]"));
}
