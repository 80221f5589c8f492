using CodeForge.Core.Sessions;

namespace CodeForge.Core.Tests.Sessions;

public sealed class SessionLockedExceptionTests
{
    [Fact]
    public void Message_WhenTheHolderRecordedNoProcessId_SaysAnotherWriterHoldsIt()
    {
        var ex = new SessionLockedException("0f8fad5b-d9cb-469f-a165-70867728950e", null, "/p/.locks/x.jsonl.lock");

        Assert.Equal(
            "Session 0f8fad5b-d9cb-469f-a165-70867728950e is already open for writing by another writer (lock file " +
            "/p/.locks/x.jsonl.lock); a session has one writer at a time. Fork it (--fork-session) to continue it separately.",
            ex.Message);
        Assert.Null(ex.HolderProcessId);
        Assert.Equal("/p/.locks/x.jsonl.lock", ex.LockPath);
    }
}
