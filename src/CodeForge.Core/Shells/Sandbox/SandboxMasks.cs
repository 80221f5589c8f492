using System.Runtime.Versioning;

namespace CodeForge.Core.Shells.Sandbox;

/// <summary>
/// What bubblewrap binds over hidden paths: an empty mode-000 file (reading, executing or copying it fails with
/// <c>Permission denied</c>) and an empty mode-555 directory (listed as empty, so <c>find</c> and <c>grep -r</c> walk past it
/// without an error; nothing can be created in it, the bind being read-only). They live in a private (0700) directory of
/// the host's temporary directory, created on first use and recreated if something removed or changed them.
/// </summary>
/// <remarks>
/// Thread safety: <see cref="Get"/> may be called concurrently; the check-and-create runs under a lock, and it is cheap
/// (two <c>stat</c> calls) once the files exist.
/// </remarks>
internal static class SandboxMasks
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
        UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly object Gate = new();
    private static string? s_directory;

    /// <summary>The mask file and mask directory, (re)created as needed.</summary>
    [UnsupportedOSPlatform("windows")]
    public static (string File, string Directory) Get()
    {
        lock (Gate)
        {
            if (s_directory is { } existing && Intact(existing))
            {
                return (Path.Join(existing, "file"), Path.Join(existing, "dir"));
            }
            var root = System.IO.Directory.CreateTempSubdirectory("forge-sandbox-masks-");
            File.SetUnixFileMode(root.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var file = Path.Join(root.FullName, "file");
            var directory = Path.Join(root.FullName, "dir");
            using (File.Create(file))
            {
            }
            File.SetUnixFileMode(file, UnixFileMode.None);
            System.IO.Directory.CreateDirectory(directory);
            File.SetUnixFileMode(directory, DirectoryMode);
            s_directory = root.FullName;
            return (file, directory);
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static bool Intact(string directory)
    {
        var file = new FileInfo(Path.Join(directory, "file"));
        var dir = new DirectoryInfo(Path.Join(directory, "dir"));
        return file.Exists && file.Length == 0 && file.LinkTarget is null && file.UnixFileMode == UnixFileMode.None &&
               dir.Exists && dir.LinkTarget is null && dir.UnixFileMode == DirectoryMode && !dir.EnumerateFileSystemInfos().Any();
    }
}
