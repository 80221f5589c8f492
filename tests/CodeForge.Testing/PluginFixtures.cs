namespace CodeForge.Testing;

/// <summary>
/// The pinned Claude Code plugin fixtures in <c>tests/Fixtures/ClaudePlugins</c> (real public files within their
/// licences, and same-shape fixtures; see its README.md). Tests copy them before use, so the checkout is never written.
/// </summary>
/// <remarks>Stateless; thread-safe.</remarks>
public static class PluginFixtures
{
    /// <summary>The fixtures directory, found by walking up from the test binaries to the repository's <c>tests</c> folder.</summary>
    public static string Root { get; } = Find();

    /// <summary>Copies the fixture <paramref name="relative"/> (a directory) to <paramref name="destination"/> and returns it.</summary>
    public static string CopyTo(string relative, string destination)
    {
        ArgumentNullException.ThrowIfNull(relative);
        ArgumentNullException.ThrowIfNull(destination);
        var from = Path.Combine(Root, relative);
        if (!Directory.Exists(from))
        {
            throw new DirectoryNotFoundException($"No plugin fixture {from}.");
        }
        Copy(from, destination);
        return destination;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
        foreach (var dir in Directory.GetDirectories(from))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Fixtures", "ClaudePlugins");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"tests/Fixtures/ClaudePlugins not found above {AppContext.BaseDirectory}.");
    }
}
