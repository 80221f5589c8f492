using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CodeForge.Core.Sessions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// The mutual exclusion every file mutation of the file tools runs under: the in-process <see cref="FileMutationGate"/>
/// of the path (serialises threads and sessions of this process) and then an inter-process lock (serialises forge
/// processes), so "read the current content → check freshness → compute → write a temporary file → fsync → rename" is
/// one step for every forge process of the user.
/// </summary>
/// <remarks>
/// <para><b>The inter-process lock</b> is an advisory <c>flock(LOCK_EX)</c> on a lock file (.NET takes it when a file is
/// opened with <see cref="FileShare.None"/> on Unix; on Windows it is a share-mode lock). It is scoped to the open file
/// description, so two opens conflict even inside one process, and the kernel drops it when the holder closes the
/// file or dies (kill -9 included): a crashed process never leaves a file locked. Lock files are never deleted (that
/// would let two holders lock two files of one name).</para>
/// <para><b>Where:</b> the lock files live in one per-user folder, <c>~/.forge/locks/files</c> (or
/// <c>$FORGE_FILE_LOCK_DIR</c>), not beside the edited file, so nothing is left in the repository. A path maps to one of
/// <see cref="Stripes"/> lock files by a hash of its resolved absolute path, so the folder never holds more than
/// <see cref="Stripes"/> empty files and needs no cleaning; two files that share a stripe merely wait for each other.
/// Every forge process of a user agrees on the folder; processes of different users (or with a different
/// <c>HOME</c>/<c>$FORGE_FILE_LOCK_DIR</c>) do not exclude each other.</para>
/// <para><b>Order and waiting:</b> the gate is taken first, then the lock file, and a holder takes no other lock, so
/// there is no lock-ordering cycle. Inside one process at most one thread per gate stripe waits on a lock file; that
/// wait polls the non-blocking <c>flock</c> with a back-off (1 ms doubling to 8 ms), is cancellable, and gives up after
/// a timeout with an <see cref="IOException"/> that says another process holds the lock.</para>
/// <para>Outside the lock: anything that writes files without forge's tools (a Bash command, an editor, another
/// program). Their changes are still caught by the content-hash freshness check when they land before the check, but
/// a write racing the few microseconds between the check and the rename is not excluded.</para>
/// <para>Thread-safe; every member may be called from any thread.</para>
/// </remarks>
public static class FileMutationLock
{
    /// <summary>How many lock files the paths are spread over.</summary>
    public const int Stripes = 1024;

    /// <summary>The environment variable that overrides the lock folder.</summary>
    public const string DirectoryVariable = "FORGE_FILE_LOCK_DIR";

    /// <summary>How long a mutation waits for another process's lock before it fails.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(8);

    /// <summary>The folder of the lock files: <c>$FORGE_FILE_LOCK_DIR</c> if set, else <c>~/.forge/locks/files</c>; read once.</summary>
    public static string LockDirectory { get; } = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.Combine(SessionPaths.DefaultRootDirectory, "locks", "files");

    /// <summary>The lock file that guards <paramref name="path"/> (a resolved absolute path) across processes.</summary>
    public static string LockPathFor(string path) => LockPathFor(path, LockDirectory);

    /// <summary>As <see cref="LockPathFor(string)"/>, in <paramref name="lockDirectory"/> (tests use a private folder).</summary>
    internal static string LockPathFor(string path, string lockDirectory)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(path), hash);
        var stripe = BinaryPrimitives.ReadUInt32BigEndian(hash) % Stripes;
        return Path.Combine(lockDirectory, stripe.ToString("x3", CultureInfo.InvariantCulture) + ".lock");
    }

    /// <summary>
    /// Waits for the gate of <paramref name="path"/> and then its inter-process lock (at most <see cref="DefaultTimeout"/>);
    /// dispose the result to release both.
    /// </summary>
    public static Task<Holder> EnterAsync(string path, CancellationToken cancellationToken) =>
        EnterAsync(path, DefaultTimeout, cancellationToken);

    /// <summary>As <see cref="EnterAsync(string, CancellationToken)"/>, waiting at most <paramref name="timeout"/> for another process.</summary>
    /// <exception cref="IOException">Another process held the lock for longer than <paramref name="timeout"/>.</exception>
    public static Task<Holder> EnterAsync(string path, TimeSpan timeout, CancellationToken cancellationToken) =>
        EnterAsync(path, LockDirectory, timeout, cancellationToken);

    /// <summary>As <see cref="EnterAsync(string, TimeSpan, CancellationToken)"/>, with the lock files in <paramref name="lockDirectory"/>.</summary>
    internal static async Task<Holder> EnterAsync(string path, string lockDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var gate = await FileMutationGate.EnterAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            var fileLock = await AcquireAsync(path, LockPathFor(path, lockDirectory), timeout, cancellationToken).ConfigureAwait(false);
            return new Holder(gate, fileLock);
        }
        catch
        {
            gate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes only the inter-process lock of <paramref name="path"/> if no one holds it (no gate, no waiting), or returns
    /// null. For tools and tests that must see whether a process holds it; dispose the result to release it.
    /// </summary>
    public static IDisposable? TryAcquireInterProcess(string path) => TryAcquireInterProcess(path, LockDirectory);

    /// <summary>As <see cref="TryAcquireInterProcess(string)"/>, with the lock files in <paramref name="lockDirectory"/>.</summary>
    internal static IDisposable? TryAcquireInterProcess(string path, string lockDirectory) =>
        FileLock.TryAcquire(LockPathFor(path, lockDirectory));

    private static async Task<FileLock> AcquireAsync(string path, string lockPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            FileLock? acquired;
            try
            {
                acquired = FileLock.TryAcquire(lockPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException(
                    $"Cannot take the edit lock of {path}: the lock file {lockPath} cannot be created or opened ({ex.Message}). "
                    + $"Make {Path.GetDirectoryName(lockPath)} writable, or set {DirectoryVariable} to a writable folder.", ex);
            }
            if (acquired is not null)
            {
                return acquired;
            }
            if (time.GetElapsedTime(started) > timeout)
            {
                throw new IOException(
                    $"Timed out after {timeout.TotalSeconds:0.#} s waiting for the edit lock of {path} ({lockPath}): another "
                    + "forge process holds it and has not released it. Try again, or stop the process that is editing this file.");
            }
            await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
            pause = pause * 2 > LongestPause ? LongestPause : pause * 2;
        }
    }

    /// <summary>Holds a path's gate and inter-process lock; <see cref="Dispose"/> releases the lock, then the gate, once.</summary>
    /// <remarks>One holder is used by the one flow that entered; <see cref="Dispose"/> is idempotent and thread-safe.</remarks>
    public sealed class Holder : IDisposable
    {
        private FileMutationGate.Releaser? _gate;
        private IDisposable? _lock;

        internal Holder(FileMutationGate.Releaser gate, IDisposable fileLock)
        {
            _gate = gate;
            _lock = fileLock;
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref _lock, null)?.Dispose();
            Interlocked.Exchange(ref _gate, null)?.Dispose();
        }
    }
}
