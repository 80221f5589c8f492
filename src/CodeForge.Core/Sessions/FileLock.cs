using System.Diagnostics;
using System.Globalization;

namespace CodeForge.Core.Sessions;

/// <summary>
/// An exclusive lock held as an open lock file (<see cref="FileShare.None"/>: on Unix .NET takes an advisory
/// <c>flock(LOCK_EX)</c>, on Windows a share-mode lock). The OS releases it when the holder closes the file or dies,
/// so a killed process never leaves a session locked. Lock files are never deleted: deleting one would let a second
/// holder lock a new file of the same name while the first still holds the old one.
/// </summary>
/// <remarks>
/// Works across processes and across threads of one process (each open is its own lock). <see cref="Dispose"/> is
/// idempotent. One instance must not be used from several threads at once.
/// </remarks>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    /// <summary>Takes the lock, or returns null when another holder has it.</summary>
    public static FileLock? TryAcquire(string path)
    {
        SessionPaths.CreatePrivateDirectory(System.IO.Path.GetDirectoryName(path)!);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                BufferSize = 0,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            return new FileLock(path, new FileStream(path, options));
        }
        catch (IOException ex) when (IsLockConflict(ex))
        {
            return null;
        }
    }

    /// <summary>Takes the lock, retrying with a short back-off until <paramref name="timeout"/>.</summary>
    public static FileLock Acquire(string path, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var pause = 1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAcquire(path) is { } acquired)
            {
                return acquired;
            }
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new IOException(
                    $"Timed out after {timeout.TotalSeconds:0.#} s waiting for the lock file {path}; " +
                    "another process holds it and has not released it.");
            }
            Thread.Sleep(pause);
            pause = Math.Min(pause * 2, 20);
        }
    }

    /// <summary>True when opening failed because another holder has the file locked.</summary>
    internal static bool IsLockConflict(IOException ex)
    {
        if (ex is FileNotFoundException or DirectoryNotFoundException or PathTooLongException)
        {
            return false;
        }
        if (OperatingSystem.IsWindows())
        {
            // ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
            return (ex.HResult & 0xFFFF) is 32 or 33;
        }
        // .NET reports the errno of the failed flock(LOCK_NB): EWOULDBLOCK is 11 on Linux, 35 on macOS/BSD.
        return ex.HResult is 11 or 35;
    }

    /// <summary>Records the holder's process id in <paramref name="ownerPath"/> (best effort, for error messages).</summary>
    public static void WriteOwner(string ownerPath)
    {
        try
        {
            File.WriteAllText(ownerPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            // Only used to name the holder in an error message.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    /// <summary>Reads the holder's process id from <paramref name="ownerPath"/>, if one was recorded.</summary>
    public static int? ReadOwner(string ownerPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(ownerPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
