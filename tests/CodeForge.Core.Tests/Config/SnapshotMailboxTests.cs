using CodeForge.Core.Config;

namespace CodeForge.Core.Tests.Config;

public sealed class SnapshotMailboxTests
{
    private static SettingsSnapshot Version(long version) => new(new Settings(), [], version);

    [Fact]
    public async Task TakeAsync_WhenSeveralWerePosted_ReturnsOnlyTheNewest()
    {
        var mailbox = new SnapshotMailbox();
        var newest = Version(3);
        mailbox.Post(Version(1));
        mailbox.Post(newest);
        mailbox.Post(Version(2));

        Assert.Same(newest, await mailbox.TakeAsync());
        mailbox.Complete();
        Assert.Null(await mailbox.TakeAsync());
    }

    [Fact]
    public async Task TakeAsync_WhenThePostHasTheSameVersion_KeepsTheFirst()
    {
        var mailbox = new SnapshotMailbox();
        var first = Version(2);
        mailbox.Post(first);
        mailbox.Post(Version(2));

        Assert.Same(first, await mailbox.TakeAsync());
    }

    [Fact]
    public async Task TakeAsync_WhenNothingIsHeld_WaitsForTheNextPost()
    {
        var mailbox = new SnapshotMailbox();
        var posted = Version(1);

        var take = mailbox.TakeAsync();
        Assert.False(take.IsCompleted);
        mailbox.Post(posted);

        Assert.Same(posted, await take.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TakeAsync_AfterATake_WaitsAgainAndGetsTheNextPost()
    {
        var mailbox = new SnapshotMailbox();
        mailbox.Post(Version(1));
        await mailbox.TakeAsync();

        var take = mailbox.TakeAsync();
        Assert.False(take.IsCompleted);
        var next = Version(2);
        mailbox.Post(next);

        Assert.Same(next, await take.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Complete_WakesAWaitingTakeWithNull()
    {
        var mailbox = new SnapshotMailbox();
        var take = mailbox.TakeAsync();
        Assert.False(take.IsCompleted);

        mailbox.Complete();

        Assert.Null(await take.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Complete_StillDeliversTheSnapshotHeldThenNullAndIgnoresLaterPosts()
    {
        var mailbox = new SnapshotMailbox();
        var held = Version(1);
        mailbox.Post(held);

        mailbox.Complete();
        mailbox.Post(Version(2));

        Assert.Same(held, await mailbox.TakeAsync());
        Assert.Null(await mailbox.TakeAsync());
    }

    [Fact]
    public async Task Clear_DropsTheSnapshotHeld()
    {
        var mailbox = new SnapshotMailbox();
        mailbox.Post(Version(1));

        mailbox.Clear();
        mailbox.Complete();

        Assert.Null(await mailbox.TakeAsync());
    }
}
