using CodeForge.Core.Sessions;

namespace CodeForge.Core.Tests.Sessions;

public sealed class FileLockTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private string LockPath => Path.Combine(_root.Path, "locks", "x.lock");

    [Fact]
    public void Acquire_WhileAnotherHolderHasTheLock_TimesOutNamingTheLockFile()
    {
        using var holder = FileLock.TryAcquire(LockPath);
        Assert.NotNull(holder);

        var ex = Assert.Throws<IOException>(() => FileLock.Acquire(LockPath, TimeSpan.Zero, TestContext.Current.CancellationToken));

        Assert.Equal(
            $"Timed out after 0 s waiting for the lock file {LockPath}; another process holds it and has not released it.",
            ex.Message);
        Assert.Null(FileLock.TryAcquire(LockPath));
    }

    [Fact]
    public void Acquire_AfterTheHolderReleasedIt_TakesIt()
    {
        FileLock.TryAcquire(LockPath)!.Dispose();

        using var again = FileLock.Acquire(LockPath, TimeSpan.Zero, TestContext.Current.CancellationToken);

        Assert.Equal(LockPath, again.Path);
    }

    [Fact]
    public void Acquire_WithACancelledToken_ThrowsWithoutTakingTheLock()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => FileLock.Acquire(LockPath, TimeSpan.FromMinutes(1), cancelled.Token));

        using var free = FileLock.TryAcquire(LockPath);
        Assert.NotNull(free);
    }

    [Fact]
    public void TryAcquire_CreatesAPrivateLockFile()
    {
        using var held = FileLock.TryAcquire(LockPath);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(LockPath));
        }
    }

    [Fact]
    public void ReadOwner_GivesTheRecordedPidOrNullWhenThereIsNone()
    {
        var owner = Path.Combine(_root.Path, "owner");

        Assert.Null(FileLock.ReadOwner(owner));
        FileLock.WriteOwner(owner);
        Assert.Equal(Environment.ProcessId, FileLock.ReadOwner(owner));
        File.WriteAllText(owner, "not a pid");
        Assert.Null(FileLock.ReadOwner(owner));
    }
}
