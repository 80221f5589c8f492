using System.Security.Cryptography;
using System.Text;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Sessions;

/// <summary>
/// Where sessions live: <c>&lt;root&gt;/projects/&lt;project&gt;/&lt;session-id&gt;.jsonl</c>, with the project's index
/// <c>sessions-index.json</c> beside the transcripts and the lock files under <c>.locks/</c>.
/// </summary>
/// <remarks>Pure functions; safe to call from any thread.</remarks>
public static class SessionPaths
{
    /// <summary>The file name of a project's session index.</summary>
    public const string IndexFileName = "sessions-index.json";

    /// <summary>The folder, inside a project's session directory, that holds the lock files.</summary>
    public const string LockDirectoryName = ".locks";

    /// <summary>The extension of a transcript.</summary>
    public const string TranscriptExtension = ".jsonl";

    private const int MaxProjectKeyLength = 200;

    /// <summary><c>~/.forge</c>.</summary>
    public static string DefaultRootDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ForgeFiles.ForgeDirectory);

    /// <summary>
    /// The project folder name for a working directory: its absolute path with every character that is not an ASCII
    /// letter or digit replaced by <c>-</c> (Claude Code's convention), e.g. <c>/home/me/my.app</c> →
    /// <c>-home-me-my-app</c>. Keys longer than 200 characters are cut and end with a hash of the full path.
    /// </summary>
    public static string ProjectKey(string workingDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workingDirectory));
        var key = string.Create(full.Length, full, static (span, path) =>
        {
            for (var i = 0; i < path.Length; i++)
            {
                span[i] = char.IsAsciiLetterOrDigit(path[i]) ? path[i] : '-';
            }
        });
        if (key.Length <= MaxProjectKeyLength)
        {
            return key;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..16];
        return $"{key[..(MaxProjectKeyLength - 17)]}-{hash}";
    }

    /// <summary>The folder holding a project's transcripts and index.</summary>
    public static string ProjectDirectory(string rootDirectory, string workingDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        return Path.Combine(Path.GetFullPath(rootDirectory), "projects", ProjectKey(workingDirectory));
    }

    /// <summary>The transcript of a session in a project folder (the id is validated first).</summary>
    public static string TranscriptPath(string projectDirectory, string sessionId) =>
        Path.Combine(projectDirectory, NormalizeSessionId(sessionId) + TranscriptExtension);

    /// <summary>The writer lock file of a transcript.</summary>
    internal static string WriterLockPath(string transcriptPath) =>
        Path.Combine(Path.GetDirectoryName(transcriptPath)!, LockDirectoryName, Path.GetFileName(transcriptPath) + ".lock");

    /// <summary>The file in which a writer records who holds a transcript's lock (pid), for error messages.</summary>
    internal static string WriterOwnerPath(string transcriptPath) =>
        Path.Combine(Path.GetDirectoryName(transcriptPath)!, LockDirectoryName, Path.GetFileName(transcriptPath) + ".owner");

    /// <summary>The lock file that serializes updates of a project's index.</summary>
    internal static string IndexLockPath(string projectDirectory) =>
        Path.Combine(projectDirectory, LockDirectoryName, IndexFileName + ".lock");

    /// <summary>True when <paramref name="sessionId"/> is a UUID in its canonical 8-4-4-4-12 form.</summary>
    public static bool IsValidSessionId(string? sessionId) =>
        sessionId is { Length: 36 } && Guid.TryParseExact(sessionId, "D", out _);

    /// <summary>
    /// Validates a session id (a UUID such as <c>123e4567-e89b-12d3-a456-426614174000</c>) and returns it in lower case.
    /// Throws <see cref="ArgumentException"/> naming the id otherwise; this also keeps ids from escaping the project
    /// folder (no separators, no <c>..</c>).
    /// </summary>
    public static string NormalizeSessionId(string sessionId, string paramName = "sessionId")
    {
        // Length 36: Guid parsing trims surrounding whitespace, which a file name must not have.
        if (sessionId is not { Length: 36 } || !Guid.TryParseExact(sessionId, "D", out var guid))
        {
            throw new ArgumentException(
                $"Session id '{sessionId}' is not a valid UUID; expected the form 123e4567-e89b-12d3-a456-426614174000.",
                paramName);
        }
        return guid.ToString("D");
    }

    /// <summary>
    /// Creates a directory readable only by its owner (0700 on Unix), and so every missing directory above it: a
    /// project's transcript folder created on the way to its <c>.locks</c> folder must not list its session ids to other
    /// users. Directories that already exist keep their mode.
    /// </summary>
    internal static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        var missing = new Stack<string>();
        for (var dir = Path.GetFullPath(path); !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
        {
            missing.Push(dir);
            if (Path.GetDirectoryName(dir) is null)
            {
                break;
            }
        }
        foreach (var dir in missing)
        {
            // Another process may create it meanwhile: CreateDirectory then leaves it as that process made it.
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
