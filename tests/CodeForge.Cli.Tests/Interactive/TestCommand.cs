using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive;

/// <summary>A named command that records its runs, for registry and completion tests.</summary>
internal sealed record TestCommand(string Name, string Description = "", string Source = "built-in") : ISlashCommand
{
    public List<string> Runs { get; } = [];

    public Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        Runs.Add(arguments);
        return Task.CompletedTask;
    }
}
