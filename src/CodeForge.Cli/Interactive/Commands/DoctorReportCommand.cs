namespace CodeForge.Cli.Interactive.Commands;

/// <summary><c>/doctor</c>: the report of <c>forge doctor</c> for this folder.</summary>
/// <remarks>Stateless.</remarks>
internal sealed class DoctorReportCommand(CommandContext context) : ISlashCommand
{
    public string Name => "doctor";

    public string Description => "Check this folder's trust, settings, plugins, sandbox and MCP configuration";

    public async Task RunAsync(string arguments, CancellationToken cancellationToken) =>
        context.Lines("Doctor", await context.Engine.DoctorAsync(cancellationToken).ConfigureAwait(false));
}
