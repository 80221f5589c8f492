using CodeForge.Core.Shells;
using CodeForge.Core.Shells.Sandbox;

namespace CodeForge.Core.Tests.Shells.Sandbox;

public sealed class LazySandboxTests
{
    private static SandboxStatus Off => new(SandboxState.Disabled, "sandbox: off", SystemProcessLauncher.Instance);

    [Fact]
    public void Start_BeforeTheDecision_RefusesInsteadOfRunningUnprotected()
    {
        var decisions = 0;
        var sandbox = new LazySandbox(() => { decisions++; return Task.FromResult(Off); }, expectedActive: true);

        var refused = Assert.Throws<InvalidOperationException>(() => sandbox.Start(new ProcessLaunchSpec("true", "/", new Dictionary<string, string?>())));

        Assert.Contains("DecideAsync", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, decisions);
        Assert.Null(sandbox.Decided);
    }

    [Fact]
    public async Task Start_AfterTheDecision_RunsTheCommandThroughTheDecidedLauncher()
    {
        var sandbox = new LazySandbox(() => Task.FromResult(Off), expectedActive: false);
        await sandbox.DecideAsync(TestContext.Current.CancellationToken);

        using var handle = sandbox.Start(new ProcessLaunchSpec("echo decided", "/", new Dictionary<string, string?>()));
        using var reader = new StreamReader(handle.StandardOutput);
        var output = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.Equal("decided\n", output);
        Assert.Equal(0, await handle.Exited);
    }
}
