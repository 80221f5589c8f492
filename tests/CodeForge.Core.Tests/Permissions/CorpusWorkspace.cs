namespace CodeForge.Core.Tests.Permissions;

/// <summary>
/// A real project directory for the bypass corpus: secrets, sources, git and settings folders, and symbolic links that
/// point at the secrets and sources (links and globs are resolved through the real file system).
/// </summary>
public sealed class CorpusWorkspace : IDisposable
{
    public CorpusWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "forge-corpus-" + Guid.NewGuid().ToString("N"));
        Directory = Path.Combine(Root, "ws");
        Home = Path.Combine(Root, "home");
        foreach (var dir in new[] { "secrets/db", "src/sub", "docs", "build", ".git/hooks", ".forge", ".claude", "scripts" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, dir));
        }
        System.IO.Directory.CreateDirectory(Path.Combine(Home, ".ssh"));
        Write(".env", "API_KEY=secret");
        Write(".env.example", "API_KEY=");
        Write("secrets/prod.key", "KEY");
        Write("secrets/db/pass.txt", "hunter2");
        Write("src/app.cs", "class App { static void Main() {} } // TODO");
        Write("src/sub/util.cs", "class Util {}");
        Write("README.md", "# readme");
        Write("package.json", "{\"name\":\"x\"}");
        Write("scripts/test.sh", "echo test");
        Write(".git/config", "[core]");
        Write(".forge/settings.json", "{}");
        Write(".claude/settings.json", "{}");
        File.WriteAllText(Path.Combine(Home, ".ssh/id_rsa"), "PRIVATE");
        Link("link-to-env", ".env");
        Link("src/envlink", "../.env");
        Link("dirlink", "secrets");
        Link("srclink", "src");
        Link("link-to-app", "src/app.cs");
        Link("abs-env-link", Path.Combine(Directory, ".env"));
    }

    /// <summary>The temporary root holding the workspace and the home directory.</summary>
    public string Root { get; }

    /// <summary>The working directory of every corpus check.</summary>
    public string Directory { get; }

    /// <summary>The home directory of every corpus check.</summary>
    public string Home { get; }

    /// <summary>Replaces <c>{ws}</c> and <c>{home}</c> in a corpus entry.</summary>
    public string Expand(string text) => text.Replace("{ws}", Directory, StringComparison.Ordinal).Replace("{home}", Home, StringComparison.Ordinal);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp directory
        }
    }

    private void Write(string relative, string content) => File.WriteAllText(Path.Combine(Directory, relative), content);

    private void Link(string relative, string target) => File.CreateSymbolicLink(Path.Combine(Directory, relative), target);
}
