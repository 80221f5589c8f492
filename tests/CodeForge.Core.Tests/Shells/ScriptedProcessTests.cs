using CodeForge.Core.Shells;
using CodeForge.Testing.Shells;

namespace CodeForge.Core.Tests.Shells;

public sealed class ScriptedProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScriptedProcess Start(int maxReadBytes = int.MaxValue) =>
        (ScriptedProcess)new ScriptedProcessLauncher(maxReadBytes: maxReadBytes)
            .Start(new ProcessLaunchSpec("cmd", "/", new Dictionary<string, string?>()));

    [Fact]
    public async Task ReadAsync_ReturnsWrittenBytesAtMostMaxPerReadThenEndOfStreamAfterExit()
    {
        var process = Start(maxReadBytes: 2);
        Assert.Equal(3, process.WriteStdout("abc"));
        process.Exit(0);
        var buffer = new byte[10];

        Assert.Equal(2, await process.StandardOutput.ReadAsync(buffer, Ct));
        Assert.Equal(1, await process.StandardOutput.ReadAsync(buffer, Ct));
        Assert.Equal(0, await process.StandardOutput.ReadAsync(buffer, Ct));
        Assert.Equal(0, await process.Exited);
    }

    [Fact]
    public async Task ReadAsync_WaitsForDataAndIsWokenByAWrite()
    {
        var process = Start();
        var buffer = new byte[10];
        var read = process.StandardError.ReadAsync(buffer, Ct).AsTask();
        Assert.False(read.IsCompleted);

        process.WriteStderr("x");

        Assert.Equal(1, await read);
    }

    [Fact]
    public async Task ReadAsync_WhenCanceledWhileWaiting_Throws()
    {
        var process = Start();
        using var cts = new CancellationTokenSource();
        var read = process.StandardOutput.ReadAsync(new byte[1], cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
    }

    [Fact]
    public async Task KillTree_ExitsWith137OnlyIfStillRunning()
    {
        var running = Start();
        var exited = Start();
        exited.Exit(3);

        running.KillTree();
        exited.KillTree();

        Assert.Equal(ScriptedProcess.KilledExitCode, await running.Exited);
        Assert.Equal(3, await exited.Exited);
        Assert.Equal(1, exited.KillCount);
        Assert.Throws<InvalidOperationException>(() => running.WriteStdout("late"));
    }

    [Fact]
    public void Start_WhenFailWithReturnsAnException_ThrowsIt()
    {
        var launcher = new ScriptedProcessLauncher(failWith: spec => new IOException($"cannot run {spec.Command}"));

        var error = Assert.Throws<IOException>(() => launcher.Start(new ProcessLaunchSpec("x", "/", new Dictionary<string, string?>())));

        Assert.Equal("cannot run x", error.Message);
        Assert.Empty(launcher.Started);
    }
}
