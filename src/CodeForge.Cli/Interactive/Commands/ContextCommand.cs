using System.Globalization;
using Spectre.Console;

namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/context</c>: what fills the context window, as a bar by part.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class ContextCommand(CommandContext context) : ISlashCommand
{
    public string Name => "context";

    public string Description => "What fills the context window";

    public Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        var report = context.Engine.GetContext();
        var width = context.Screen.Width;
        context.Screen.Write(c =>
        {
            c.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]Context[/] {report.UsedTokens:N0} / {report.WindowTokens:N0} tokens ({report.Fraction * 100:0.0}%)"));
            if (report.WindowTokens > 0)
            {
                var chart = new BreakdownChart { Width = Math.Min(60, width - 4) };
                var colors = new[] { Color.Aqua, Color.Green, Color.Yellow, Color.Fuchsia, Color.Blue, Color.Orange1 };
                for (var i = 0; i < report.Parts.Count; i++)
                {
                    chart.AddItem(report.Parts[i].Part, report.Parts[i].Tokens, colors[i % colors.Length]);
                }
                chart.AddItem("free", Math.Max(0, report.WindowTokens - report.UsedTokens), Color.Grey);
                c.Write(chart);
            }
        });
        return Task.CompletedTask;
    }
}
