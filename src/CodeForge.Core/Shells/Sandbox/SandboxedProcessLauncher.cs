namespace CodeForge.Core.Shells.Sandbox;

/// <summary>
/// A launcher that runs every command inside bubblewrap: it rewrites the command line to
/// <c>exec bwrap &lt;options&gt; -- /bin/sh -c &lt;command&gt;</c> and hands it to the inner launcher, so the inner
/// launcher's process group (and its group kill) covers everything in the sandbox.
/// </summary>
/// <remarks>Stateless after construction; <see cref="Start"/> may be called concurrently.</remarks>
public sealed class SandboxedProcessLauncher : IProcessLauncher
{
    private readonly IProcessLauncher _inner;

    /// <summary>Wraps <paramref name="inner"/>; commands run with <paramref name="bwrapPath"/> under <paramref name="policy"/>.</summary>
    public SandboxedProcessLauncher(IProcessLauncher inner, string bwrapPath, SandboxPolicy policy)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        ArgumentException.ThrowIfNullOrWhiteSpace(bwrapPath);
        BwrapPath = bwrapPath;
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
    }

    /// <summary>The bubblewrap executable.</summary>
    public string BwrapPath { get; }

    /// <summary>What sandboxed commands may do.</summary>
    public SandboxPolicy Policy { get; }

    /// <summary>
    /// The command line the inner launcher receives for <paramref name="spec"/>: the policy's deny rules are resolved now,
    /// against the paths that exist when the command starts and the <c>PATH</c> it will see.
    /// </summary>
    /// <exception cref="InvalidOperationException">The deny rules could not be turned into mounts (the command must not run).</exception>
    public string Wrap(ProcessLaunchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var searchPath = spec.Environment.TryGetValue("PATH", out var path) ? path : null;
        var mounts = Policy.Denials?.Resolve(searchPath);
        string[] words = [BwrapPath, .. BubblewrapSandbox.Arguments(Policy, spec.WorkingDirectory, mounts), "/bin/sh", "-c", spec.Command];
        return "exec " + ShellQuote.Join(words);
    }

    /// <inheritdoc />
    /// <remarks>The handle names bubblewrap as the launcher's helper: with <c>--unshare-pid</c>, bwrap's init inside the
    /// namespace reports the command's exit to the outer bwrap, which exits at once, and only then exits itself, so for a
    /// moment it is a live member of the group that the command did not leave behind.</remarks>
    public IProcessHandle Start(ProcessLaunchSpec spec) =>
        new HelperNamedProcessHandle(_inner.Start(spec with { Command = Wrap(spec) }), HelperName(BwrapPath));

    /// <summary>The <c>comm</c> of bubblewrap's processes: the file name, cut to the kernel's 15 characters.</summary>
    private static string HelperName(string path)
    {
        var name = Path.GetFileName(path);
        return name.Length > 15 ? name[..15] : name;
    }
}
