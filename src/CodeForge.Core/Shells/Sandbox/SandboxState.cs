namespace CodeForge.Core.Shells.Sandbox;

/// <summary>Which protection Bash commands run under.</summary>
public enum SandboxState
{
    /// <summary>Commands run inside bubblewrap.</summary>
    Active,

    /// <summary>The settings turned the sandbox off.</summary>
    Disabled,

    /// <summary><c>bwrap</c> is not installed (or this is not Linux).</summary>
    NotFound,

    /// <summary><c>bwrap</c> is installed but could not create the sandbox (the kernel or container refused namespaces).</summary>
    Refused,
}

/// <summary>The outcome of setting up the sandbox, with a one-line description for the user.</summary>
/// <param name="State">Which protection is active.</param>
/// <param name="Description">
/// One line a CLI can print as is, e.g. <c>sandbox: bubblewrap, network off</c>, <c>sandbox: none — bwrap not found</c> or
/// <c>sandbox: none — kernel refused: …</c>.
/// </param>
/// <param name="Launcher">The launcher Bash commands should use: sandboxed when <paramref name="State"/> is Active.</param>
/// <remarks>Immutable; safe to share.</remarks>
public sealed record SandboxStatus(SandboxState State, string Description, IProcessLauncher Launcher)
{
    /// <summary>True when commands run inside the sandbox.</summary>
    public bool IsActive => State == SandboxState.Active;

    /// <summary>True when the user should be warned that commands run unprotected although the sandbox was wanted.</summary>
    public bool IsFallback => State is SandboxState.NotFound or SandboxState.Refused;
}
