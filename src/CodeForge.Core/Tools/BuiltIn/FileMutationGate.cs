namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// Process-wide, per-path mutual exclusion for the file tools: a check of a file's current content followed by a write of
/// it runs while holding the gate of that path, so two Edits/Writes of one file never interleave (in any session).
/// </summary>
/// <remarks>
/// <para>Striped: a path maps to one of <see cref="Stripes"/> <see cref="SemaphoreSlim"/>s by hash, so memory is bounded
/// and nothing needs cleaning up; two different paths may share a stripe and then merely wait for each other. A holder
/// never takes a second gate, so there is no lock ordering and no deadlock. Waiting is asynchronous and cancellable.</para>
/// <para>This guards this process only. The file tools take it through <see cref="FileMutationLock"/>, which adds the
/// inter-process lock after it; a bare gate (as a Read's record uses) does not exclude other processes.</para>
/// </remarks>
public static class FileMutationGate
{
    /// <summary>How many semaphores the paths are spread over.</summary>
    public const int Stripes = 64;

    private static readonly SemaphoreSlim[] Gates = CreateGates();

    /// <summary>Waits for the gate of <paramref name="path"/>; dispose the result to release it.</summary>
    public static Task<Releaser> EnterAsync(string path, CancellationToken cancellationToken) => EnterAsync(Gates, path, cancellationToken);

    /// <summary>
    /// <see cref="EnterAsync(string, CancellationToken)"/> over the given stripes (from <see cref="CreateGates"/>): the
    /// systematic tests' seam, since Coyote cannot carry the process-wide stripes from one explored schedule to the next.
    /// </summary>
    internal static async Task<Releaser> EnterAsync(SemaphoreSlim[] gates, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(path);
        var gate = gates[(StringComparer.Ordinal.GetHashCode(path) & int.MaxValue) % Stripes];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(gate);
    }

    internal static SemaphoreSlim[] CreateGates()
    {
        var gates = new SemaphoreSlim[Stripes];
        for (var i = 0; i < gates.Length; i++)
        {
            gates[i] = new SemaphoreSlim(1, 1);
        }
        return gates;
    }

    /// <summary>Releases the gate once when disposed.</summary>
    public sealed class Releaser : IDisposable
    {
        private SemaphoreSlim? _gate;

        internal Releaser(SemaphoreSlim gate) => _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
