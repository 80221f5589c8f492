namespace CodeForge.Core.Shells;

/// <summary>An immutable, self-consistent snapshot of a shell's lifecycle fields.</summary>
/// <param name="Status">The lifecycle state.</param>
/// <param name="Pid">The process id once started.</param>
/// <param name="ExitCode">The exit code once final (null if the process never started); 128 + signal when ended by a signal.</param>
/// <param name="CreatedAt">When the shell was registered.</param>
/// <param name="StartedAt">When the process was started.</param>
/// <param name="CompletedAt">When the shell reached its final state.</param>
public sealed record ShellState(
    ShellStatus Status,
    int? Pid,
    int? ExitCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>True once the state is final (see <see cref="ShellStatusExtensions.IsFinal"/>).</summary>
    public bool IsFinal => Status.IsFinal();
}
