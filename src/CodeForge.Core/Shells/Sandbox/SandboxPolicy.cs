using System.Collections.Immutable;

namespace CodeForge.Core.Shells.Sandbox;

/// <summary>
/// What a sandboxed command may do: which directories it may write, whether it may use the network, and which deny rules
/// the sandbox enforces.
/// </summary>
/// <param name="WritableDirectories">
/// Absolute directories the command may write (the working directory and the allowed additional directories); everything
/// else on the root file system is read-only. A private <c>/tmp</c> is always writable.
/// </param>
/// <param name="AllowNetwork">True to share the host's network; false (the default) gives the command no network at all.</param>
/// <param name="Denials">
/// The deny rules to enforce, asked before each command (null: none; the permission rules are then checked by the parser
/// alone).
/// </param>
/// <remarks>Immutable; safe to share (the deny source is safe for concurrent use by contract).</remarks>
public sealed record SandboxPolicy(ImmutableArray<string> WritableDirectories, bool AllowNetwork = false, ISandboxDenySource? Denials = null);
