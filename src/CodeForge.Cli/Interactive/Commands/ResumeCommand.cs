using System.Globalization;
using Spectre.Console;

namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/resume [id or number]</c>: lists this project's earlier sessions, or switches to one and shows its last messages.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class ResumeCommand(CommandContext context) : ISlashCommand
{
    public string Name => "resume";

    public string Description => "Resume an earlier session of this project";

    public string ArgumentHint => "[id or number]";

    public async Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        var engine = context.Engine;
        var sessions = engine.ListSessions().Where(s => s.SessionId != engine.SessionId).Take(20).ToList();
        if (arguments.Length == 0)
        {
            context.Lines("Sessions (resume with /resume <number or id>)", sessions.Select((s, i) =>
                string.Create(CultureInfo.InvariantCulture, $"{i + 1,2}. {s.Updated:yyyy-MM-dd HH:mm}  {s.MessageCount,4} msgs  {s.Title}  [{s.SessionId}]")));
            return;
        }
        var id = int.TryParse(arguments, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= sessions.Count ? sessions[n - 1].SessionId : arguments;
        var last = await engine.ResumeAsync(id, cancellationToken).ConfigureAwait(false);
        context.Info($"Resumed session {id}.");
        foreach (var l in last)
        {
            context.Screen.Write(c => c.MarkupLine("  [grey]" + Markup.Escape(l) + "[/]"));
        }
    }
}
