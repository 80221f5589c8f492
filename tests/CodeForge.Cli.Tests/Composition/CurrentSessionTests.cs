using CodeForge.Cli.Composition;
using CodeForge.Core.Sessions;

namespace CodeForge.Cli.Tests.Composition;

public sealed class CurrentSessionTests
{
    [Fact]
    public async Task Switch_MakesTheNewSessionCurrentAndReturnsTheOneItReplaced()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Directory.CreateTempSubdirectory("forge-current-session-");
        using var cleanup = new TempDirectory(root);
        var sessions = new SessionManager(root.FullName, new SessionManagerOptions { RootDirectory = root.FullName, PersistSessions = false });
        await using var first = await sessions.CreateAsync(null, ct);
        await using var second = await sessions.CreateAsync(null, ct);
        var current = new CurrentSession(first);
        Func<string> readsLater = () => current.Session.Id;

        var replaced = current.Switch(second);

        Assert.Same(first, replaced);
        Assert.Same(second, current.Session);
        Assert.Equal(second.Id, readsLater());
    }

    private sealed class TempDirectory(DirectoryInfo directory) : IDisposable
    {
        public void Dispose() => directory.Delete(recursive: true);
    }
}
