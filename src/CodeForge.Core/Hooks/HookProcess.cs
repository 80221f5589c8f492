namespace CodeForge.Core.Hooks;

/// <summary>One hook command to run.</summary>
/// <param name="Command">The command line for <c>bash -c</c>.</param>
/// <param name="WorkingDirectory">The project directory.</param>
/// <param name="Environment">Variables set on top of forge's own environment.</param>
/// <param name="Stdin">The JSON input, written to the command's stdin.</param>
/// <param name="Timeout">When the command (its whole process group) is killed.</param>
/// <param name="OutputLimit">The most characters kept of stdout and of stderr each; the rest is read and dropped.</param>
public sealed record HookProcessRequest(
    string Command, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment, string Stdin, TimeSpan Timeout, int OutputLimit);

/// <summary>How a hook command ended.</summary>
/// <param name="ExitCode">The exit code (137 when killed).</param>
/// <param name="Stdout">Standard output, at most the limit.</param>
/// <param name="Stderr">Standard error, at most the limit.</param>
/// <param name="TimedOut">True when the timeout killed it.</param>
/// <param name="OutputTruncated">True when stdout or stderr was longer than the limit.</param>
public sealed record HookProcessResult(int ExitCode, string Stdout, string Stderr, bool TimedOut = false, bool OutputTruncated = false);

/// <summary>Runs hook commands; the real one starts <c>bash</c>, tests may substitute an in-process fake.</summary>
/// <remarks>
/// Implementations must allow concurrent calls. <see cref="RunAsync"/> returns when the command has ended (or was killed
/// at its timeout, reported as <see cref="HookProcessResult.TimedOut"/>); it throws <see cref="OperationCanceledException"/>
/// only for the caller's cancellation (after killing the command), and other exceptions only when the command could not be
/// started.
/// </remarks>
public interface IHookProcessRunner
{
    Task<HookProcessResult> RunAsync(HookProcessRequest request, CancellationToken cancellationToken);
}
