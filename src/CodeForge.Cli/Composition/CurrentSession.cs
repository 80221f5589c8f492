using CodeForge.Core.Sessions;

namespace CodeForge.Cli.Composition;

/// <summary>
/// The session a run is recording into now: opened by the session stage, switched by <c>/resume</c>, <c>/clear</c> and the
/// Agent SDK. The parts built before a switch (the Skill tool, the hooks' input) read it when they run, so they always
/// name the current session.
/// </summary>
/// <remarks>Thread-safe: one writer (the front end, between turns), any number of readers; the reference is volatile,
/// so a reader sees the old or the new session whole.</remarks>
internal sealed class CurrentSession(Session initial)
{
    private volatile Session _session = initial ?? throw new ArgumentNullException(nameof(initial));

    public Session Session => _session;

    /// <summary>Makes <paramref name="next"/> current; returns the one it replaces (the caller closes it).</summary>
    public Session Switch(Session next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _session, next);
    }
}
