using CodeForge.Core.Shells;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>Settings of the Bash tools of one session.</summary>
/// <remarks>Immutable (a record); safe to share.</remarks>
public sealed record BashToolOptions
{
    /// <summary>The defaults: the real launcher, no sandbox, output files under the system temp directory.</summary>
    public static BashToolOptions Default { get; } = new();

    /// <summary>
    /// Starts foreground commands. Give the sandboxed launcher (<see cref="Shells.Sandbox.SandboxStatus.Launcher"/>) to run
    /// them inside the sandbox; background commands use the launcher of the <see cref="ShellManager"/> given to the factory.
    /// </summary>
    public IProcessLauncher Launcher { get; init; } = SystemProcessLauncher.Instance;

    /// <summary>True when <see cref="Launcher"/> sandboxes commands (reported to the model and in results).</summary>
    public bool Sandboxed { get; init; }

    /// <summary>
    /// Awaited before each command starts (null: none): makes the run's lazy sandbox decision if it has not been made yet
    /// (<see cref="Shells.Sandbox.LazySandbox"/>) and says whether commands run sandboxed, which then replaces
    /// <see cref="Sandboxed"/> in results (<see cref="Sandboxed"/> stays what the tool's description tells the model).
    /// </summary>
    public Func<CancellationToken, Task<bool>>? SandboxDecision { get; init; }

    /// <summary>The most characters of output a Bash or BashOutput result shows (30,000, as Claude Code).</summary>
    public int MaxOutputChars
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 100, nameof(MaxOutputChars));
            field = value;
        }
    } = 30_000;

    /// <summary>
    /// Where output too long to show is saved (the model reads it with Read, so hosts should make it an allowed directory).
    /// Null: <see cref="DefaultOutputDirectory"/> of the call's session.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Environment variables set for every command (a null value removes one), on top of forge's own environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The per-session directory for saved output: <c>$TMPDIR/forge-&lt;user&gt;/&lt;session&gt;</c>.</summary>
    public static string DefaultOutputDirectory(string? sessionId)
    {
        var user = string.Concat(System.Environment.UserName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        var session = string.Concat((sessionId ?? "no-session").Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        return Path.Combine(Path.GetTempPath(), $"forge-{(user.Length > 0 ? user : "user")}", session.Length > 0 ? session : "no-session");
    }
}
