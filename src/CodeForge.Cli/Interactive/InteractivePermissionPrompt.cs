using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;
using Spectre.Console;

namespace CodeForge.Cli.Interactive;

/// <summary>The user's answer to a permission question.</summary>
internal enum PermissionChoice
{
    AllowOnce,
    AllowSession,
    AllowAlways,
    Deny,
}

/// <summary>
/// Asks the user about a tool call the rules say to ask about: allow once, allow for this session (a session rule),
/// always allow in this project (a rule written to <c>.forge/settings.local.json</c> under its lock file, and a session
/// rule so it applies at once), or deny with a reason the model is told. Keys: 1–4, arrows and Enter, Esc to deny.
/// </summary>
/// <remarks>
/// Concurrency: <see cref="ToolCallGate"/> serializes calls, so one question is on screen at a time even when
/// several parallel tool calls ask; this class takes the key focus for the duration of a question, so the keys typed
/// answer the question and nothing else.
/// </remarks>
internal sealed class InteractivePermissionPrompt(Screen screen, KeyRouter keys, PermissionChecker checker, string workingDirectory, string localSettingsPath, Action<string>? notify = null,
    UserWaitClock? userWait = null)
    : IPermissionPrompt
{
    private readonly UserWaitClock _userWait = userWait ?? new UserWaitClock();

    public async ValueTask<ToolCallAuthorization> AskAsync(string toolName, JsonElement arguments, PermissionDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        // The time the question is on screen is the user's, not the model's (/cost shows it apart).
        using var waiting = _userWait.Measure();
        var rule = SuggestRule(toolName, arguments, workingDirectory);
        var options = new[]
        {
            "Yes",
            $"Yes, and don't ask again this session for {rule}",
            $"Yes, and always allow {rule} in this project",
            "No, and tell the model what to do differently (esc)",
        };
        using var focus = keys.PushFocus();
        var selected = 0;
        screen.StopSpinner();
        screen.Write(c =>
        {
            c.WriteLine();
            var title = ToolCallView.Title(toolName, arguments, workingDirectory, screen.Width - 4);
            // Edit, MultiEdit and Write show the change they would make, in colour, before the user decides.
            var diff = CodeForge.Core.Tools.BuiltIn.EditPreview.Diff(toolName, arguments, workingDirectory);
            var body = new Rows([
                new Markup($"[bold]{Markup.Escape(title)}[/]"),
                new Markup($"[grey]{Markup.Escape(decision.Reason)}[/]"),
                .. diff is null ? [] : ToolCallView.Diff(diff),
                new Text(""),
                new Markup("Do you want to proceed?")]);
            c.Write(new Panel(body) { Header = new PanelHeader(" Permission "), Border = BoxBorder.Rounded, BorderStyle = new Style(Color.Yellow) });
        });
        DrawOptions(options, selected, first: true);
        PermissionChoice? choice = null;
        while (choice is null)
        {
            var next = await focus.ReadKeyAsync(cancellationToken).ConfigureAwait(false);
            if (next is not { } key)
            {
                choice = PermissionChoice.Deny;
                break;
            }
            switch (key.Key)
            {
                case ConsoleKey.UpArrow:
                    selected = (selected + options.Length - 1) % options.Length;
                    DrawOptions(options, selected, first: false);
                    continue;
                case ConsoleKey.DownArrow or ConsoleKey.Tab:
                    selected = (selected + 1) % options.Length;
                    DrawOptions(options, selected, first: false);
                    continue;
                case ConsoleKey.Enter:
                    choice = (PermissionChoice)selected;
                    continue;
                case ConsoleKey.Escape:
                    choice = PermissionChoice.Deny;
                    continue;
                case ConsoleKey.C when (key.Modifiers & ConsoleModifiers.Control) != 0:
                    choice = PermissionChoice.Deny;
                    continue;
            }
            if (key.KeyChar is >= '1' and <= '4')
            {
                choice = (PermissionChoice)(key.KeyChar - '1');
            }
            else if (key.KeyChar is 'y' or 'Y')
            {
                choice = PermissionChoice.AllowOnce;
            }
            else if (key.KeyChar is 'n' or 'N')
            {
                choice = PermissionChoice.Deny;
            }
        }
        screen.Write(c => c.MarkupLine($"  [grey]→ {Markup.Escape(options[(int)choice.Value])}[/]"));
        switch (choice.Value)
        {
            case PermissionChoice.AllowOnce:
                return ToolCallAuthorization.Allow("allowed by the user");
            case PermissionChoice.AllowSession:
                checker.AddSessionRule(PermissionBehavior.Allow, rule);
                return ToolCallAuthorization.Allow($"allowed by the user for this session ({rule})");
            case PermissionChoice.AllowAlways:
                checker.AddSessionRule(PermissionBehavior.Allow, rule);
                try
                {
                    await SettingsWriter.AddPermissionRuleAsync(localSettingsPath, "allow", rule, cancellationToken).ConfigureAwait(false);
                    notify?.Invoke($"Added allow rule {rule} to {localSettingsPath}");
                }
                catch (IOException ex)
                {
                    notify?.Invoke($"Could not save the rule to {localSettingsPath}: {ex.Message} (allowed for this session)");
                }
                return ToolCallAuthorization.Allow($"always allowed by the user ({rule})");
            default:
                var reason = await ReadReasonAsync(focus, cancellationToken).ConfigureAwait(false);
                return ToolCallAuthorization.Deny(reason.Length == 0
                    ? "The user denied this tool call. Stop and wait for the user's next instruction."
                    : $"The user denied this tool call and said: {reason}");
        }
    }

    private void DrawOptions(string[] options, int selected, bool first)
    {
        screen.Write(c =>
        {
            if (!first && screen.CanAnimate)
            {
                c.Profile.Out.Writer.Write($"\u001b[{options.Length}A\r\u001b[J");
            }
            for (var i = 0; i < options.Length; i++)
            {
                var text = Markup.Escape($"{i + 1}. {options[i]}");
                c.MarkupLine(i == selected ? $"[aqua]❯ {text}[/]" : $"  {text}");
            }
        });
    }

    private async Task<string> ReadReasonAsync(IKeySource focus, CancellationToken cancellationToken)
    {
        var editor = new LineEditor(screen, focus, new InputHistory(null));
        screen.Write(c => c.MarkupLine("[grey]Tell the model what to do instead (Enter to skip):[/]"));
        var result = await editor.ReadAsync("  > ", "", cancellationToken).ConfigureAwait(false);
        return result.Kind == LineResultKind.Submitted ? result.Text.Trim() : "";
    }

    /// <summary>The rule a "don't ask again" answer adds: narrow enough to mean what the user saw.</summary>
    internal static string SuggestRule(string toolName, JsonElement arguments, string workingDirectory)
    {
        string? Str(string name) => arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        switch (toolName)
        {
            case "Bash" when Str("command") is { } command:
                var words = command.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0 || command.IndexOfAny(['|', '&', ';', '>', '<', '`', '$', '\n']) >= 0)
                {
                    return $"Bash({command.Trim()})";
                }
                var prefix = words.Length > 1 && !words[1].StartsWith('-') && !words[1].Contains('/', StringComparison.Ordinal) && !words[1].Contains('.', StringComparison.Ordinal)
                    ? words[0] + " " + words[1]
                    : words[0];
                return $"Bash({prefix}:*)";
            case "Edit" or "Write" or "MultiEdit" or "NotebookEdit" when (Str("file_path") ?? Str("notebook_path")) is { } path:
                var dir = Path.GetDirectoryName(Path.GetFullPath(path, workingDirectory)) ?? workingDirectory;
                var rel = Path.GetRelativePath(workingDirectory, dir);
                return rel == "." ? "Edit(./**)" : rel.StartsWith("..", StringComparison.Ordinal) ? $"Edit(//{dir.TrimStart('/')}/**)" : $"Edit(./{rel}/**)";
            case "WebFetch" when Str("url") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri):
                return $"WebFetch(domain:{uri.Host})";
            default:
                return toolName;
        }
    }
}
