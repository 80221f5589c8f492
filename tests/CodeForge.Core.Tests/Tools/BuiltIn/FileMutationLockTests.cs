using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>
/// The per-file lock of the file tools. "Another process" is played by a second open of the lock file: flock locks
/// belong to the open file description, so a second open conflicts exactly as another process's open does (the
/// multi-process tests in CodeForge.Concurrency.Tests use real processes and kill -9).
/// </summary>
/// <remarks>
/// Each test uses its own lock folder, so the file tools of tests running in parallel never share its stripes.
/// </remarks>
public sealed class FileMutationLockTests : IDisposable
{
    private readonly string _locks = Directory.CreateTempSubdirectory("forge-locks-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_locks, recursive: true);

    private Task<FileMutationLock.Holder> EnterAsync(string path, CancellationToken cancellationToken) =>
        FileMutationLock.EnterAsync(path, _locks, FileMutationLock.DefaultTimeout, cancellationToken);

    private IDisposable? TryAcquireInterProcess(string path) => FileMutationLock.TryAcquireInterProcess(path, _locks);

    private static string UniquePath() => Path.Combine(Path.GetTempPath(), "forge-lock-test", Guid.NewGuid().ToString("N"), "file.txt");

    [Fact]
    public void LockPathFor_IsOneOfTheStripesInTheLockDirectoryAndTheSameEveryTime()
    {
        var path = UniquePath();

        var lockPath = FileMutationLock.LockPathFor(path);

        Assert.Equal(lockPath, FileMutationLock.LockPathFor(path));
        Assert.Equal(FileMutationLock.LockDirectory, Path.GetDirectoryName(lockPath));
        Assert.Matches("^[0-9a-f]{3}\\.lock$", Path.GetFileName(lockPath));
        Assert.InRange(Convert.ToInt32(Path.GetFileName(lockPath)[..3], 16), 0, FileMutationLock.Stripes - 1);
    }

    [Fact]
    public void LockPathFor_SpreadsPathsOverManyStripes()
    {
        var stripes = Enumerable.Range(0, 200).Select(i => FileMutationLock.LockPathFor($"/repo/src/file{i}.cs")).Distinct().Count();

        // 200 paths over 1024 stripes: a hash that spreads them leaves well over 150 distinct.
        Assert.True(stripes > 150, $"only {stripes} distinct lock files for 200 paths");
    }

    [Fact]
    public async Task EnterAsync_HoldsTheInterProcessLockUntilDisposed()
    {
        var path = UniquePath();

        using (await EnterAsync(path, Ct))
        {
            Assert.Null(TryAcquireInterProcess(path));
        }

        using var after = TryAcquireInterProcess(path);
        Assert.NotNull(after);
    }

    [Fact]
    public async Task EnterAsync_WhileAnotherHolderHasTheLockFile_WaitsAndProceedsWhenItIsReleased()
    {
        var path = UniquePath();
        var other = TryAcquireInterProcess(path);
        Assert.NotNull(other);

        var entering = EnterAsync(path, Ct);

        // It cannot have entered: the lock file is held. Release it, and the waiter gets it.
        Assert.False(entering.IsCompleted);
        other.Dispose();
        using var holder = await entering;
        Assert.Null(TryAcquireInterProcess(path));
    }

    [Fact]
    public async Task EnterAsync_WhenTheLockIsHeldPastTheTimeout_FailsNamingTheFileAndReleasesTheGate()
    {
        var path = UniquePath();
        using var other = TryAcquireInterProcess(path);
        Assert.NotNull(other);

        var ex = await Assert.ThrowsAsync<IOException>(() => FileMutationLock.EnterAsync(path, _locks, TimeSpan.Zero, Ct));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("another forge process holds it", ex.Message, StringComparison.Ordinal);
        // The in-process gate was released: it can be taken at once.
        using var gate = await FileMutationGate.EnterAsync(path, Ct);
    }

    [Fact]
    public async Task EnterAsync_CancelledWhileWaiting_ThrowsAndReleasesTheGate()
    {
        var path = UniquePath();
        using var other = TryAcquireInterProcess(path);
        using var cts = new CancellationTokenSource();

        var entering = EnterAsync(path, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => entering);
        using var gate = await FileMutationGate.EnterAsync(path, Ct);
    }

    [Fact]
    public async Task EnterAsync_WhenTheLockFolderCannotBeCreated_FailsNamingItAndTheSetting()
    {
        var path = UniquePath();
        var notAFolder = Path.Combine(_locks, "a-file");
        await File.WriteAllTextAsync(notAFolder, "", Ct);
        var lockDirectory = Path.Combine(notAFolder, "locks");

        var ex = await Assert.ThrowsAsync<IOException>(() => FileMutationLock.EnterAsync(path, lockDirectory, FileMutationLock.DefaultTimeout, Ct));

        Assert.Contains(lockDirectory, ex.Message, StringComparison.Ordinal);
        Assert.Contains(FileMutationLock.DirectoryVariable, ex.Message, StringComparison.Ordinal);
        using var gate = await FileMutationGate.EnterAsync(path, Ct);
    }

    [Fact]
    public async Task Dispose_Twice_ReleasesOnce()
    {
        var path = UniquePath();
        var holder = await EnterAsync(path, Ct);

        holder.Dispose();
        holder.Dispose();

        using var again = await EnterAsync(path, Ct);
        Assert.Null(TryAcquireInterProcess(path));
    }
}
