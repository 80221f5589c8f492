using System.Diagnostics;
using System.Globalization;
using System.Text;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;
using Spectre.Console;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// The interactive <c>forge</c>: reads prompts, runs slash commands and <c>!shell</c> commands, runs agent turns and
/// renders them (streamed Markdown, compact tool calls, diffs, a spinner), and shows a status line. Esc or Ctrl-C
/// interrupts a running turn; Ctrl-C twice on an empty prompt, Ctrl-D or <c>/exit</c> ends the session.
/// </summary>
/// <remarks>
/// Concurrency: one input loop; during a turn a watcher task reads the keys (Esc/Ctrl-C cancel the turn, other keys are
/// kept as type-ahead for the next prompt, and Enter queues the typed prompt to run when the turn ends) while the turn's events are rendered; a permission prompt takes the keys from
/// the watcher while it asks. All output goes through the <see cref="Screen"/>.
/// </remarks>
internal sealed class InteractiveSession
{
    private readonly IInteractiveEngine _engine;
    private readonly Screen _screen;
    private readonly KeyRouter _keys;
    private readonly LineEditor _editor;
    private readonly SlashCommands _commands = new();
    private readonly StatusLine _status;
    private readonly ThinkingView _thinking;
    private readonly TimeProvider _time;
    private readonly StringBuilder _typeAhead = new();
    private readonly List<string> _pendingContext = [];
    private readonly Queue<string> _queued = new();
    private long _lastInterrupt = long.MinValue;
    private volatile bool _turnRunning;
    private bool _exit;

    public InteractiveSession(IInteractiveEngine engine, Screen screen, KeyRouter keys, InputHistory history, string version, TimeProvider? timeProvider = null)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _screen = screen ?? throw new ArgumentNullException(nameof(screen));
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _time = timeProvider ?? TimeProvider.System;
        _status = new StatusLine(engine, version);
        _thinking = new ThinkingView(() => engine.Model);
        AddBuiltInCommands();
        // A notice that arrives while a turn runs is shown at once (no line is being edited then); at the prompt it
        // waits for the next input.
        engine.NoticesArrived += () =>
        {
            if (_turnRunning)
            {
                ShowNotices();
            }
        };
        foreach (var c in engine.CustomCommands)
        {
            var name = c.Name;
            _commands.Add(new SlashCommand(name, c.Description, (args, ct) => RunCustomAsync(name, args, ct), c.ArgumentHint, c.Source));
        }
        _editor = new LineEditor(screen, keys, history, new PromptCompletion(_commands, engine.WorkingDirectory));
    }

    internal SlashCommands Commands => _commands;

    /// <summary>Runs until the user exits; returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Welcome();
        var initial = "";
        while (!_exit && !cancellationToken.IsCancellationRequested)
        {
            ShowNotices();
            await ShowStatusAsync(cancellationToken).ConfigureAwait(false);
            if (_queued.TryDequeue(out var queued))
            {
                // A prompt typed and sent while the last turn ran.
                _screen.Write(c => c.MarkupLine("[bold]>[/] " + Markup.Escape(queued)));
                await HandleAsync(queued, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (_typeAhead.Length > 0)
            {
                initial += _typeAhead.ToString();
                _typeAhead.Clear();
            }
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
                    var mode = Modes.Next(_engine.Mode);
                    _engine.SetMode(mode);
                    Info($"⏵⏵ {Modes.Describe(mode)} (shift+tab to cycle)");
                    initial = line.Text;
                    continue;
            }
            _lastInterrupt = long.MinValue;
            await HandleAsync(line.Text, cancellationToken).ConfigureAwait(false);
        }
        _screen.Write(c => c.MarkupLine("[grey]Bye. Resume this session with[/] forge -r " + Markup.Escape(_engine.SessionId)));
        return 0;
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
                await command.Run(args, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                Error(ex.Message);
            }
            return;
        }
        await RunTurnAsync(WithAttachments(input), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one agent turn and renders its events.</summary>
    internal async Task RunTurnAsync(string prompt, CancellationToken cancellationToken)
    {
        if (_pendingContext.Count > 0)
        {
            prompt = string.Join("\n", _pendingContext) + "\n\n" + prompt;
            _pendingContext.Clear();
        }
        using var turn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watcherStop = new CancellationTokenSource();
        var watcher = WatchKeysAsync(turn, watcherStop.Token);
        MarkdownStream? markdown = null;
        var streamedText = false;
        _screen.StartSpinner("Thinking");
        _turnRunning = true;
        try
        {
            await foreach (var e in _engine.RunTurnAsync(prompt, turn.Token).ConfigureAwait(false))
            {
                if (e is ToolCallStarted or TurnFinished)
                {
                    ShowNotices();
                }
                switch (e)
                {
                    case ThinkingDelta thought:
                        _thinking.Append(thought.Text);
                        break;
                    case TextDelta d:
                        _screen.StopSpinner();
                        ShowThinkingLine();
                        markdown ??= new MarkdownStream(r => _screen.Write(c => c.Write(r)));
                        markdown.Append(d.Text);
                        streamedText = true;
                        break;
                    case AssistantMessage m:
                        if (_thinking.Open || (!streamedText && m.Usage?.ReasoningTokenCount is > 0))
                        {
                            _screen.StopSpinner();
                            ShowThinkingLine(m.Usage?.ReasoningTokenCount);
                        }
                        markdown?.Finish();
                        if (!streamedText && !string.IsNullOrEmpty(m.Message.Text))
                        {
                            var md = new MarkdownStream(r => _screen.Write(c => c.Write(r)));
                            md.Append(m.Message.Text);
                            md.Finish();
                        }
                        markdown = null;
                        streamedText = false;
                        break;
                    case ToolCallStarted s:
                        ShowThinkingLine();
                        _screen.StartSpinner("Running " + ToolCallView.Title(s.ToolName, s.Arguments, _engine.WorkingDirectory, _screen.Width - 40));
                        break;
                    case ToolCallFinished f:
                        _screen.Write(c => c.Write(ToolCallView.Finished(f, _engine.WorkingDirectory, _screen.Width)));
                        _screen.StartSpinner("Thinking");
                        break;
                    case AgentError err:
                        _screen.StopSpinner();
                        Error(err.Message);
                        break;
                    case TurnFinished t:
                        markdown?.Finish();
                        markdown = null;
                        _screen.StopSpinner();
                        if (t.Reason == AgentStopReason.Cancelled)
                        {
                            _screen.Write(c => c.MarkupLine("[yellow]⎿ Interrupted.[/] [grey]What should the agent do instead?[/]"));
                        }
                        else if (t.Reason == AgentStopReason.MaxTurns)
                        {
                            Info("Stopped: the turn limit was reached.");
                        }
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (turn.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _screen.Write(c => c.MarkupLine("[yellow]⎿ Interrupted.[/]"));
        }
        finally
        {
            _turnRunning = false;
            markdown?.Finish();
            _screen.StopSpinner();
            await watcherStop.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
        }
    }

    private async Task WatchKeysAsync(CancellationTokenSource turn, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var next = await _keys.ReadKeyAsync(stop).ConfigureAwait(false);
                if (next is not { } key)
                {
                    await turn.CancelAsync().ConfigureAwait(false);
                    _exit = true;
                    return;
                }
                if (key.Key == ConsoleKey.Escape || (key.Key == ConsoleKey.C && (key.Modifiers & ConsoleModifiers.Control) != 0))
                {
                    await turn.CancelAsync().ConfigureAwait(false);
                }
                else if (key.Key == ConsoleKey.O && (key.Modifiers & ConsoleModifiers.Control) != 0)
                {
                    // ctrl+o: the last thinking in full.
                    var expanded = _thinking.Expanded();
                    _screen.Write(c => c.MarkupLine(expanded));
                }
                else if (key.Key == ConsoleKey.Enter && _typeAhead.Length > 0)
                {
                    // Enter while the agent works queues the prompt for when the turn ends.
                    _queued.Enqueue(_typeAhead.ToString());
                    _typeAhead.Clear();
                    _screen.Write(c => c.MarkupLine("[grey]  ⎿ queued: " + Markup.Escape(_queued.Last()) + "[/]"));
                }
                else if (key.KeyChar >= ' ' && (key.Modifiers & ConsoleModifiers.Control) == 0)
                {
                    _typeAhead.Append(key.KeyChar);
                }
                else if (key.Key == ConsoleKey.Backspace && _typeAhead.Length > 0)
                {
                    _typeAhead.Length--;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunShellAsync(string command, CancellationToken cancellationToken)
    {
        if (command.Length == 0)
        {
            Info("Type a shell command after !, e.g. !git status");
            return;
        }
        using var turn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watcherStop = new CancellationTokenSource();
        var watcher = WatchKeysAsync(turn, watcherStop.Token);
        _screen.StartSpinner("Running !" + command);
        string shown;
        int exit;
        try
        {
            // Core's shells: its own process group (an interrupt kills all of it), the Bash tool's sandbox, capped output.
            var run = await _engine.RunUserCommandAsync(command, turn.Token).ConfigureAwait(false);
            shown = run.Output + (run.Diagnostics.Length > 0 && run.ExitCode is null ? run.Diagnostics : "")
                + (run.Truncated ? $"\n… ({run.TotalOutputChars - run.Output.Length} more characters{(run.OutputFile is null ? "" : " in " + run.OutputFile)})" : "");
            exit = run.ExitCode ?? 127;
        }
        catch (OperationCanceledException)
        {
            shown = "(interrupted)";
            exit = 130;
        }
        catch (ArgumentException ex)
        {
            shown = ex.Message;
            exit = 2;
        }
        finally
        {
            _screen.StopSpinner();
            await watcherStop.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
        }
        _screen.Write(c =>
        {
            c.MarkupLine($"[fuchsia]![/] [bold]{Markup.Escape(command)}[/]");
            foreach (var l in ToolCallView.Fold(shown, 20))
            {
                c.MarkupLine("  [grey]" + Markup.Escape(l) + "[/]");
            }
            if (exit != 0)
            {
                c.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"  [red]exit code {exit}[/]"));
            }
        });
        _pendingContext.Add($"<bash-input>{command}</bash-input>\n<bash-stdout>{shown}</bash-stdout>\n<bash-exit-code>{exit}</bash-exit-code>");
    }

    /// <summary>Attaches the files named by <c>@path</c> words (existing files under 256 KB) to the prompt.</summary>
    internal string WithAttachments(string prompt)
    {
        var sb = new StringBuilder(prompt);
        foreach (var word in prompt.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 1 && w[0] == '@').Distinct(StringComparer.Ordinal))
        {
            var rel = word[1..].TrimEnd(',', '.', ';', ':', '?', '!', ')');
            var path = Path.GetFullPath(rel, _engine.WorkingDirectory);
            if (!File.Exists(path) || new FileInfo(path).Length > 256 * 1024)
            {
                continue;
            }
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (IOException)
            {
                continue;
            }
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                continue;
            }
            sb.Append(CultureInfo.InvariantCulture, $"\n\n<attached-file path=\"{path}\">\n{text}\n</attached-file>");
            _screen.Write(c => c.MarkupLine($"  [grey]⎿ attached {Markup.Escape(rel)}[/]"));
        }
        return sb.ToString();
    }

    private async Task RunCustomAsync(string name, string args, CancellationToken cancellationToken)
    {
        var prompt = await _engine.ExpandCustomCommandAsync(name, args).ConfigureAwait(false) ?? throw new ArgumentException($"/{name} is no longer available.");
        await RunTurnAsync(prompt, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Prints the collapsed line of the thinking that just ended, if any (see <see cref="ThinkingView"/>).</summary>
    private void ShowThinkingLine(long? reportedTokens = null)
    {
        if (_thinking.Collapse(reportedTokens) is { } line)
        {
            _screen.Write(c => c.MarkupLine(line));
        }
    }

    private void Info(string text) => _screen.Write(c => c.MarkupLine("[grey]" + Markup.Escape(text) + "[/]"));

    private void Error(string text) => _screen.Write(c => c.MarkupLine("[red]" + Markup.Escape(text) + "[/]"));

    private void Lines(string title, IEnumerable<string> lines)
    {
        _screen.Write(c =>
        {
            c.MarkupLine("[bold]" + Markup.Escape(title) + "[/]");
            var any = false;
            foreach (var l in lines)
            {
                any = true;
                c.MarkupLine("  " + Markup.Escape(l));
            }
            if (!any)
            {
                c.MarkupLine("  [grey](none)[/]");
            }
        });
    }

    private void AddBuiltInCommands()
    {
        void Add(string name, string description, Func<string, CancellationToken, Task> run, string hint = "") =>
            _commands.Add(new SlashCommand(name, description, run, hint));
        void AddSync(string name, string description, Action<string> run, string hint = "") =>
            Add(name, description, (a, _) => { run(a); return Task.CompletedTask; }, hint);

        AddSync("help", "Show the commands and keys", _ => Help());
        Add("clear", "Start a new conversation (the old one stays resumable)", async (_, ct) =>
        {
            await _engine.NewConversationAsync(ct).ConfigureAwait(false);
            Info("New conversation " + _engine.SessionId);
        });
        Add("compact", "Summarise the conversation to free context", async (a, ct) =>
        {
            _screen.StartSpinner("Compacting");
            try
            {
                Info(await _engine.CompactAsync(a.Length == 0 ? null : a, ct).ConfigureAwait(false));
            }
            finally
            {
                _screen.StopSpinner();
            }
        }, "[instructions]");
        AddSync("model", "Show or switch the model (next turn)", a =>
        {
            if (a.Length == 0)
            {
                Lines($"Model: {_engine.Model} ({_engine.ProviderName})", _engine.KnownModels);
                return;
            }
            _engine.SetModel(a);
            Info($"Model set to {_engine.Model}; it takes effect on the next turn.");
        }, "[name]");
        Add("resume", "Resume an earlier session of this project", ResumeAsync, "[id or number]");
        AddSync("cost", "Tokens, cost and time of this session", _ => Cost());
        AddSync("thinking", "Show the model's last thinking in full (ctrl+o during a turn)", _ => _screen.Write(c => c.MarkupLine(_thinking.Expanded())));
        AddSync("context", "What fills the context window", _ => Context());
        Add("permissions", "View or edit permission rules", PermissionsAsync, "[allow|ask|deny <rule> | remove <rule>]");
        AddSync("tools", "The tools the model can use", _ => Lines("Tools", _engine.Tools.Select(t => $"{t.Name} — {FirstLine(t.Description)}")));
        AddSync("skills", "Installed skills", _ => Lines("Skills", _engine.Describe("skills")));
        AddSync("hooks", "Configured hooks", _ => Lines("Hooks", _engine.Describe("hooks")));
        AddSync("mcp", "MCP servers and their status", _ => Lines("MCP servers", _engine.Describe("mcp")));
        AddSync("plugins", "Installed plugins", _ => Lines("Plugins", _engine.Describe("plugins")));
        AddSync("memory", "The memory files (AGENTS.md, CLAUDE.md) in use", _ => Lines("Memory files", _engine.Describe("memory")));
        Add("init", "Write an AGENTS.md for this repository with the model's help", (_, ct) => RunTurnAsync(InitPrompt, ct));
        AddSync("config", "The effective settings", _ => Lines("Settings", _engine.Describe("config")));
        Add("trust", "Whether this folder's hooks, MCP servers and rules are used; add or remove its trust", async (a, ct) =>
            Lines("Workspace trust", await _engine.TrustAsync(a, ct).ConfigureAwait(false)), "[add|remove]");
        Add("doctor", "Check this folder's trust, settings, plugins, sandbox and MCP configuration", async (_, ct) =>
            Lines("Doctor", await _engine.DoctorAsync(ct).ConfigureAwait(false)));
        AddSync("todos", "The model's task list", _ => Lines("Todos", _engine.Describe("todos")));
        AddSync("exit", "Leave forge", _ => _exit = true);
        AddSync("quit", "Leave forge", _ => _exit = true);
    }

    private void Help()
    {
        _screen.Write(c =>
        {
            var table = new Table { Border = TableBorder.None, ShowHeaders = false };
            table.AddColumn("command");
            table.AddColumn("what");
            foreach (var cmd in _commands.All)
            {
                table.AddRow(new Markup("[aqua]/" + Markup.Escape(cmd.Name) + "[/]" + (cmd.ArgumentHint.Length > 0 ? " [grey]" + Markup.Escape(cmd.ArgumentHint) + "[/]" : "")),
                    new Markup(Markup.Escape(cmd.Description) + (cmd.Source == "built-in" ? "" : " [grey](" + Markup.Escape(cmd.Source) + ")[/]")));
            }
            c.Write(table);
            c.MarkupLine("[grey]Keys: enter send · alt+enter or \\ + enter new line · ↑/↓ history · tab complete /commands and @files · " +
                "shift+tab mode · esc interrupt · ctrl+o thinking · ctrl-c twice exit · !cmd runs a shell command[/]");
        });
    }

    private void Cost()
    {
        var u = _engine.Usage;
        Lines("Cost", [
            string.Create(CultureInfo.InvariantCulture, $"Total cost:      {(u.CostUsd is { } cost ? "$" + cost.ToString("0.0000", CultureInfo.InvariantCulture) : "unknown (no price for this model)")}"),
            string.Create(CultureInfo.InvariantCulture, $"Input tokens:    {u.InputTokens:N0} ({u.CachedInputTokens:N0} cached)"),
            string.Create(CultureInfo.InvariantCulture, $"Output tokens:   {u.OutputTokens:N0}") +
                (u.ReasoningTokens > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({u.ReasoningTokens:N0} thinking)") : ""),
            string.Create(CultureInfo.InvariantCulture, $"API time:        {u.ApiDuration.TotalSeconds:0.0}s"),
            string.Create(CultureInfo.InvariantCulture, $"Wall time:       {u.WallDuration.TotalSeconds:0.0}s"),
        ]);
    }

    private void Context()
    {
        var report = _engine.GetContext();
        _screen.Write(c =>
        {
            c.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]Context[/] {report.UsedTokens:N0} / {report.WindowTokens:N0} tokens ({report.Fraction * 100:0.0}%)"));
            if (report.WindowTokens > 0)
            {
                var chart = new BreakdownChart { Width = Math.Min(60, _screen.Width - 4) };
                var colors = new[] { Color.Aqua, Color.Green, Color.Yellow, Color.Fuchsia, Color.Blue, Color.Orange1 };
                for (var i = 0; i < report.Parts.Count; i++)
                {
                    chart.AddItem(report.Parts[i].Part, report.Parts[i].Tokens, colors[i % colors.Length]);
                }
                chart.AddItem("free", Math.Max(0, report.WindowTokens - report.UsedTokens), Color.Grey);
                c.Write(chart);
            }
        });
    }

    private async Task PermissionsAsync(string args, CancellationToken cancellationToken)
    {
        var parts = args.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            var policy = _engine.Permissions.Policy;
            var lines = new List<string> { $"Mode: {Modes.Describe(policy.Mode)}" };
            foreach (var layer in Enum.GetValues<PermissionLayer>())
            {
                foreach (var rule in policy[layer].Rules)
                {
                    lines.Add($"{rule.Behavior.ToString().ToLowerInvariant(),-5} {rule}  [{layer}]");
                }
            }
            lines.AddRange(PermissionProtection.Lines(policy, _engine.Protection));
            Lines("Permissions (/permissions allow|ask|deny <rule> saves to " + _engine.LocalSettingsPath + "; /permissions remove <rule> drops a session rule)", lines);
            return;
        }
        if (parts.Length < 2)
        {
            throw new ArgumentException("Usage: /permissions allow|ask|deny <rule>  or  /permissions remove <rule>");
        }
        switch (parts[0])
        {
            case "allow" or "ask" or "deny":
                var behavior = parts[0] switch { "allow" => PermissionBehavior.Allow, "ask" => PermissionBehavior.Ask, _ => PermissionBehavior.Deny };
                try
                {
                    _engine.Permissions.AddSessionRule(behavior, parts[1]);
                }
                catch (PermissionRuleException ex)
                {
                    throw new ArgumentException(ex.Message, ex);
                }
                await CodeForge.Core.Config.SettingsWriter.AddPermissionRuleAsync(_engine.LocalSettingsPath, parts[0], parts[1], cancellationToken).ConfigureAwait(false);
                Info($"Added {parts[0]} rule {parts[1]} (now and in {_engine.LocalSettingsPath}).");
                break;
            case "remove":
                Info(_engine.Permissions.RemoveSessionRule(parts[1]) ? $"Removed session rule {parts[1]}." : $"No session rule {parts[1]} (rules in settings files are edited there).");
                break;
            default:
                throw new ArgumentException("Usage: /permissions allow|ask|deny <rule>  or  /permissions remove <rule>");
        }
    }

    private async Task ResumeAsync(string args, CancellationToken cancellationToken)
    {
        var sessions = _engine.ListSessions().Where(s => s.SessionId != _engine.SessionId).Take(20).ToList();
        if (args.Length == 0)
        {
            Lines("Sessions (resume with /resume <number or id>)", sessions.Select((s, i) =>
                string.Create(CultureInfo.InvariantCulture, $"{i + 1,2}. {s.Updated:yyyy-MM-dd HH:mm}  {s.MessageCount,4} msgs  {s.Title}  [{s.SessionId}]")));
            return;
        }
        var id = int.TryParse(args, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= sessions.Count ? sessions[n - 1].SessionId : args;
        var last = await _engine.ResumeAsync(id, cancellationToken).ConfigureAwait(false);
        Info($"Resumed session {id}.");
        foreach (var l in last)
        {
            _screen.Write(c => c.MarkupLine("  [grey]" + Markup.Escape(l) + "[/]"));
        }
    }

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? text : text[..i];
    }

    internal const string InitPrompt =
        "Please analyse this repository and create an AGENTS.md file in its root with what a coding agent needs to work here: " +
        "the build, test and lint commands (including how to run a single test), the layout and architecture in brief, and the " +
        "code style and conventions you can see. If an AGENTS.md, CLAUDE.md, README.md or .cursorrules exists, use and improve " +
        "on it rather than repeating it. Keep it concise.";
}
