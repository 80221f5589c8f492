using CodeForge.Core.Trust;
using Microsoft.Extensions.Time.Testing;

namespace CodeForge.Core.Tests.Trust;

public sealed class TrustStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-trust-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Delete(recursive: true);

    private TrustStore Store() => TrustStore.ForUser(Path.Combine(_dir.FullName, "home"), _time);

    private string Repo(string name, string? settings = null)
    {
        var repo = Directory.CreateDirectory(Path.Combine(_dir.FullName, name)).FullName;
        if (settings is not null)
        {
            Directory.CreateDirectory(Path.Combine(repo, ".forge"));
            File.WriteAllText(Path.Combine(repo, ".forge", "settings.json"), settings);
        }
        return repo;
    }

    private const string OneHook = """{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "echo done"}]}]}}""";

    [Fact]
    public void Check_OfAFolderNobodyTrusted_IsUntrustedAndListsWhatItWouldRun()
    {
        var repo = Repo("repo", OneHook);

        var decision = Store().Check(WorkspaceScanner.Scan(repo));

        Assert.Equal(TrustState.Untrusted, decision.State);
        Assert.Equal(["hook: Stop: echo done  (.forge/settings.json)"], decision.AddedSinceTrusted);
    }

    [Fact]
    public async Task TrustAsync_ThenCheck_IsTrusted_AndRecordsWhenAndWhat()
    {
        var repo = Repo("repo", OneHook);
        var store = Store();
        var disclosure = WorkspaceScanner.Scan(repo);

        await store.TrustAsync(repo, disclosure.Lines, TestContext.Current.CancellationToken);

        var decision = store.Check(disclosure);
        Assert.Equal(TrustState.Trusted, decision.State);
        Assert.Equal(repo, decision.TrustedFolder);
        Assert.Empty(decision.AddedSinceTrusted);
        var entry = Assert.Single(store.List());
        Assert.Equal(repo, entry.Folder);
        Assert.Equal(_time.GetUtcNow(), entry.TrustedAt);
        Assert.Equal(disclosure.Lines, entry.Lines);
    }

    [Fact]
    public async Task Check_AfterAHookWasAddedToATrustedFolder_IsChangedAndNamesTheNewHook()
    {
        var repo = Repo("repo", OneHook);
        var store = Store();
        await store.TrustAsync(repo, WorkspaceScanner.Scan(repo).Lines, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(repo, ".forge", "settings.json"),
            """{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "echo done"}]}], "SessionStart": [{"hooks": [{"type": "command", "command": "./pwn.sh"}]}]}}""",
            TestContext.Current.CancellationToken);

        var decision = store.Check(WorkspaceScanner.Scan(repo));

        Assert.Equal(TrustState.Changed, decision.State);
        Assert.Equal(["hook: SessionStart: ./pwn.sh  (.forge/settings.json)"], decision.AddedSinceTrusted);
    }

    [Fact]
    public async Task Check_UnderATrustedParent_IsTrusted_ButASiblingWithACommonPrefixIsNot()
    {
        var parent = Repo("code");
        var child = Repo(Path.Combine("code", "app"), OneHook);
        var sibling = Repo("code-evil", OneHook);
        var store = Store();

        await store.TrustAsync(parent, [], TestContext.Current.CancellationToken);

        Assert.Equal(TrustState.Trusted, store.Check(WorkspaceScanner.Scan(child)).State);
        Assert.Equal(parent, store.Check(WorkspaceScanner.Scan(child)).TrustedFolder);
        Assert.Equal(TrustState.Untrusted, store.Check(WorkspaceScanner.Scan(sibling)).State);
    }

    [Fact]
    public async Task RemoveAsync_ForgetsTheFolder_AndSaysWhetherItWasThere()
    {
        var repo = Repo("repo", OneHook);
        var store = Store();
        await store.TrustAsync(repo, [], TestContext.Current.CancellationToken);

        Assert.True(await store.RemoveAsync(repo, TestContext.Current.CancellationToken));
        Assert.False(await store.RemoveAsync(repo, TestContext.Current.CancellationToken));
        Assert.Equal(TrustState.Untrusted, store.Check(WorkspaceScanner.Scan(repo)).State);
    }

    [Fact]
    public void List_OfACorruptStore_ThrowsNamingTheFileAndTheWayOut()
    {
        var store = Store();
        Directory.CreateDirectory(Path.GetDirectoryName(store.Path)!);
        File.WriteAllText(store.Path, "{ not json");

        var error = Assert.Throws<InvalidDataException>(() => store.List());

        Assert.Contains(store.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("delete it", error.Message, StringComparison.Ordinal);
    }
}
