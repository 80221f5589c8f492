using System.Globalization;
using System.Text.RegularExpressions;
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

    [Fact]
    public void Acquire_WhileAnotherHolderKeepsTheLock_PausesLongerAfterEachAttemptUpTo20Ms()
    {
        using var holder = FileLock.TryAcquire(LockPath);
        Assert.NotNull(holder);

        var trace = SystemCallTrace.Start("futex,nanosleep,clock_nanosleep,openat", _root.Path, timed: true);
        var failure = Record.Exception(() => FileLock.Acquire(LockPath, TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken));
        var calls = trace.Stop();

        Assert.IsType<IOException>(failure);
        // Thread.Sleep waits in a futex (or nanosleep) until its time is up. The pauses grow 1, 2, 4, 8, 16 ms, then stay
        // at 20 ms: 2 s hold dozens of pauses of 20 ms, so even a thread starved by a loaded machine makes the three counted
        // here; a back-off that did not grow would pause 1 ms or spin. (A slow machine only makes a pause longer.)
        var attempts = calls.Count(line => line.StartsWith("openat(", StringComparison.Ordinal) && line.Contains(LockPath, StringComparison.Ordinal));
        var pauses = calls
            .Where(line => line.Contains("ETIMEDOUT", StringComparison.Ordinal) || line.Contains("nanosleep(", StringComparison.Ordinal))
            .Select(line => Regex.Match(line, @"<(\d+\.\d+)>$"))
            .Where(m => m.Success)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();
        var trail = string.Join(" | ", calls.TakeLast(40));
        Assert.True(attempts >= 3, $"{attempts} attempts: {trail}");
        Assert.True(pauses.Count(seconds => seconds >= 0.015) >= 3, $"{attempts} attempts, pauses {string.Join(", ", pauses)}: {trail}");
    }
}
