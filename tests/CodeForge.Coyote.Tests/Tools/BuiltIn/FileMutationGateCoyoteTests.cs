using CodeForge.Core.Tools.BuiltIn;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Tools.BuiltIn;

/// <summary>
/// Systematic scheduling of <see cref="FileMutationGate"/>: three tasks each check a file's version and write the next one
/// (a yield between check and write, where an Edit reads and compares the file) under the gate of one path, and one of
/// them disposes its releaser twice (a <c>using</c> plus an explicit <c>Dispose</c> on an error path). In every schedule
/// at most one task is inside the gate and no write is lost. A copy of the gate whose releaser does not guard against a
/// second <c>Dispose</c> (the <c>Interlocked.Exchange</c> removed) must be caught.
/// </summary>
public sealed class FileMutationGateCoyoteTests
{
    /// <summary>
    /// The broken variant: <see cref="FileMutationGate"/> copied with one change, the releaser releases on every
    /// <c>Dispose</c> (<c>_gate.Release()</c> instead of <c>Interlocked.Exchange(ref _gate, null)?.Release()</c>). One
    /// stripe suffices here (the scenario uses one path).
    /// </summary>
    private sealed class ReleaseEveryTimeGate
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public async Task<IDisposable> EnterAsync(string path, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(path);
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Releaser(_gate);
        }

        private sealed class Releaser(SemaphoreSlim gate) : IDisposable
        {
            public void Dispose() => gate.Release();
        }
    }

    private static async Task Scenario(Func<string, Task<IDisposable>> enter)
    {
        const string path = "/coyote/gate.txt";
        var version = 0;
        var inside = 0;

        async Task EditAsync(bool disposeTwice)
        {
            using var gate = await enter(path);
            Specification.Assert(Interlocked.Increment(ref inside) == 1, $"{inside} tasks inside the gate of one path");
            var seen = version;
            await Task.Yield();
            version = seen + 1;
            Interlocked.Decrement(ref inside);
            if (disposeTwice)
            {
                gate.Dispose();
            }
        }

        await Task.WhenAll(new[] { Task.Run(() => EditAsync(disposeTwice: true)), Task.Run(() => EditAsync(false)), Task.Run(() => EditAsync(false)) });

        Specification.Assert(version == 3, $"lost a write: version {version} after 3 edits");
    }

    [Fact]
    public void EditsOfOnePath_WithADoubleDisposedReleaser_NeverOverlapNorLoseAWrite() =>
        CoyoteRunner.AssertNoBug(
            () =>
            {
                // The real gate code over stripes of this schedule's own (the process-wide ones cannot cross schedules).
                var stripes = FileMutationGate.CreateGates();
                return Scenario(async path => await FileMutationGate.EnterAsync(stripes, path, CancellationToken.None));
            },
            CoyoteStrategy.Probabilistic);

    [Fact]
    public void EditsOfOnePath_WhenTheReleaserReleasesOnEveryDispose_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(
            () =>
            {
                var gate = new ReleaseEveryTimeGate();
                return Scenario(path => gate.EnterAsync(path, CancellationToken.None));
            },
            CoyoteStrategy.Probabilistic);

        Assert.Matches("tasks inside the gate|lost a write|SemaphoreFullException", bug);
    }
}
