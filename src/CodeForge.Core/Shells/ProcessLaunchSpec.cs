namespace CodeForge.Core.Shells;

/// <summary>What to start: a command line for <c>/bin/sh -c</c>, its working directory and environment overrides.</summary>
/// <param name="Command">The shell command line, passed verbatim to <c>/bin/sh -c</c>.</param>
/// <param name="WorkingDirectory">An existing absolute directory.</param>
/// <param name="Environment">
/// Overrides applied on top of the current process environment: a non-null value sets the variable, a null value removes it.
/// </param>
public sealed record ProcessLaunchSpec(string Command, string WorkingDirectory, IReadOnlyDictionary<string, string?> Environment);
