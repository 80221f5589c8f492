using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Concurrency.Tests.Sessions;

/// <summary>A temp folder standing in for <c>~/.forge</c> and a project, deleted after the test.</summary>
internal sealed class SessionTestRoot : IDisposable
{
    public SessionTestRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "forge-sessions-concurrency", Guid.NewGuid().ToString("N"));
        Home = System.IO.Path.Combine(Path, "home", ".forge");
        Project = System.IO.Path.Combine(Path, "work", "project");
        Directory.CreateDirectory(Project);
    }

    public string Path { get; }

    public string Home { get; }

    public string Project { get; }

    public SessionManager Manager(SessionWriterOptions? writer = null) =>
        new(Project, new SessionManagerOptions { RootDirectory = Home, WriterOptions = writer ?? SessionWriterOptions.Default });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    public static ChatMessage User(string text) => new(ChatRole.User, text);

    /// <summary>The texts of a transcript's messages.</summary>
    public static string[] Texts(SessionTranscript transcript) => transcript.Messages.Select(m => m.Text).ToArray();
}
