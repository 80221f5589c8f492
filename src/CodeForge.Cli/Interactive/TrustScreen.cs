using CodeForge.Core.Trust;
using Spectre.Console;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// The screen shown before anything from an untrusted folder runs: exactly what the folder would do (each hook command
/// per event, each MCP server's command line or URL, each pre-approved permission rule, each plugin, helper commands,
/// environment and instruction files), or, for a folder trusted before, what was added since. Keys: 1/2, arrows and
/// Enter; Esc, n or a closed input answer "don't trust".
/// </summary>
/// <remarks>Used once, on the start-up path, before the session exists; takes the key focus while it asks.</remarks>
internal static class TrustScreen
{
    private static readonly string[] Options =
    [
        "Yes, I trust this folder: run its hooks, MCP servers and plugins and use its permission rules",
        "No, don't trust it: use my user settings only for this session (esc)",
    ];

    /// <summary>Shows the screen and returns the user's answer: true to trust.</summary>
    public static async Task<bool> AskAsync(Screen screen, KeyRouter keys, WorkspaceTrust trust, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(screen);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(trust);
        using var focus = keys.PushFocus();
        screen.Write(c => c.Write(new Panel(new Rows(Body(trust).Select(l => new Markup(l))))
        {
            Header = new PanelHeader(trust.Reason == TrustReason.ChangedSinceTrusted ? " This folder changed since you trusted it " : " Do you trust the files in this folder? "),
            Border = BoxBorder.Rounded,
            BorderStyle = new Style(Color.Yellow),
        }));
        var selected = 0;
        Draw(screen, selected, first: true);
        bool? answer = null;
        while (answer is null)
        {
            if (await focus.ReadKeyAsync(cancellationToken).ConfigureAwait(false) is not { } key)
            {
                answer = false;
                break;
            }
            switch (key.Key)
            {
                case ConsoleKey.UpArrow or ConsoleKey.DownArrow or ConsoleKey.Tab:
                    selected = 1 - selected;
                    Draw(screen, selected, first: false);
                    continue;
                case ConsoleKey.Enter:
                    answer = selected == 0;
                    continue;
                case ConsoleKey.Escape:
                    answer = false;
                    continue;
            }
            answer = key.KeyChar switch
            {
                '1' or 'y' or 'Y' => true,
                '2' or 'n' or 'N' => false,
                _ => null,
            };
        }
        screen.Write(c => c.MarkupLine($"  [grey]→ {Markup.Escape(Options[answer.Value ? 0 : 1])}[/]"));
        return answer.Value;
    }

    /// <summary>The lines of the screen (markup): the folder, then what it would run grouped by kind, or what is new.</summary>
    internal static IReadOnlyList<string> Body(WorkspaceTrust trust)
    {
        var lines = new List<string> { $"[bold]{Markup.Escape(trust.Folder)}[/]", "" };
        var added = trust.Added.ToHashSet(StringComparer.Ordinal);
        if (trust.Reason == TrustReason.ChangedSinceTrusted)
        {
            lines.Add("You trusted this folder before. Since then it added (marked +):");
        }
        else
        {
            lines.Add("forge can run commands from this folder's settings. If you did not write them or do not trust who did,");
            lines.Add("answer No: nothing below runs and forge uses your own settings only.");
        }
        foreach (var group in trust.Disclosure.Items.GroupBy(i => i.Kind).OrderBy(g => g.Key))
        {
            lines.Add("");
            lines.Add($"[bold]{Markup.Escape(Title(group.Key))}[/]");
            foreach (var item in group)
            {
                var mark = added.Contains(item.ToString()) ? "[yellow]+[/] " : "  ";
                lines.Add($"{mark}{Markup.Escape(item.Description)}  [grey]({Markup.Escape(item.SourceFile)})[/]");
            }
        }
        foreach (var problem in trust.Disclosure.Problems)
        {
            lines.Add($"[red]⚠ {Markup.Escape(problem)}[/]");
        }
        return lines;
    }

    private static string Title(DisclosureKind kind) => kind switch
    {
        DisclosureKind.Hook => "Hooks (run on their events)",
        DisclosureKind.McpServer => "MCP servers (started at once)",
        DisclosureKind.PermissionAllow => "Pre-approved permissions (run without asking)",
        DisclosureKind.Plugin => "Plugins (their hooks, servers and commands)",
        DisclosureKind.Command => "Helper commands",
        DisclosureKind.Environment => "Environment for every tool and hook",
        _ => "Instructions for the model (kept when not trusted, without imports from outside the folder)",
    };

    private static void Draw(Screen screen, int selected, bool first) => screen.Write(c =>
    {
        if (!first && screen.CanAnimate)
        {
            c.Profile.Out.Writer.Write($"\u001b[{Options.Length}A\r\u001b[J");
        }
        for (var i = 0; i < Options.Length; i++)
        {
            var text = Markup.Escape($"{i + 1}. {Options[i]}");
            c.MarkupLine(i == selected ? $"[aqua]❯ {text}[/]" : $"  {text}");
        }
    });
}
