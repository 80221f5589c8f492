using System.Collections.Immutable;
using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

/// <summary>Real <c>bash</c> processes.</summary>
public sealed class BashHookProcessRunnerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-hookproc-");

    public void Dispose() => _dir.Delete(recursive: true);

    private HookProcessRequest Request(string command, string stdin = "{}", double timeoutSeconds = 30, int limit = 10_000) =>
        new(command, _dir.FullName, ImmutableDictionary<string, string>.Empty.Add("HOOK_TEST_VAR", "v1"), stdin, TimeSpan.FromSeconds(timeoutSeconds), limit);

    [Fact]
    public async Task RunAsync_GivesTheHookItsStdinEnvironmentAndDirectoryAndReturnsItsOutputAndExitCode()
    {
        var r = await BashHookProcessRunner.Instance.RunAsync(
            Request("""read -r line; echo "in=$line env=$HOOK_TEST_VAR pwd=$(pwd)"; echo oops >&2; exit 3""", "{\"a\":1}\n"),
            TestContext.Current.CancellationToken);

        Assert.Equal(3, r.ExitCode);
        Assert.Equal($"in={{\"a\":1}} env=v1 pwd={_dir.FullName}\n", r.Stdout);
        Assert.Equal("oops\n", r.Stderr);
        Assert.False(r.TimedOut);
        Assert.False(r.OutputTruncated);
    }

    [Fact]
    public async Task RunAsync_WhenTheHookHangs_KillsItsWholeProcessGroupAtTheTimeout()
    {
        var pids = Path.Combine(_dir.FullName, "pids");
        var r = await BashHookProcessRunner.Instance.RunAsync(
            Request($"sleep 300 & echo $! > '{pids}'; echo $$ >> '{pids}'; echo partial; wait", timeoutSeconds: 0.5),
            TestContext.Current.CancellationToken);

        Assert.True(r.TimedOut);
        var both = (await File.ReadAllLinesAsync(pids, TestContext.Current.CancellationToken)).Select(int.Parse).ToList();
        Assert.Equal(2, both.Count);
        foreach (var pid in both)
        {
            Assert.False(IsAlive(pid), $"process {pid} of the hook survived the timeout");
        }
    }

    [Fact]
    public async Task RunAsync_WhenTheHookPrintsMegabytes_KeepsTheLimitDrainsTheRestAndSaysSo()
    {
        var r = await BashHookProcessRunner.Instance.RunAsync(Request("yes 0123456789 | head -c 3000000; yes e | head -c 100000 >&2", limit: 1000),
            TestContext.Current.CancellationToken);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(1000, r.Stdout.Length);
        Assert.Equal(1000, r.Stderr.Length);
        Assert.True(r.OutputTruncated);
    }

    [Fact]
    public async Task RunAsync_WhenTheHookIgnoresALargeStdin_DoesNotBlock()
    {
        var r = await BashHookProcessRunner.Instance.RunAsync(Request("echo done", stdin: new string('x', 1_000_000)), TestContext.Current.CancellationToken);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("done\n", r.Stdout);
    }

    [Fact]
    public async Task RunAsync_WhenTheCallerCancels_KillsTheHookAndThrows()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var pidFile = Path.Combine(_dir.FullName, "pid");
        var run = BashHookProcessRunner.Instance.RunAsync(Request($"echo $$ > '{pidFile}'; exec sleep 300"), cts.Token);
        while (!File.Exists(pidFile) || (await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken)).Trim().Length == 0)
        {
            await Task.Yield();
        }
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(IsAlive(int.Parse((await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken)).Trim())));
    }

    /// <summary>
    /// Whether <paramref name="pid"/> still lives and was not killed. Gone, a zombie, exiting (PF_EXITING in the flags of
    /// /proc/PID/stat) or holding a pending SIGKILL all count as killed: on a loaded machine a killed process can close
    /// its pipes (which ends the runner's wait) and still show state R or D for a moment before it turns zombie (seen once
    /// in a clean-clone CI run), so the state letter alone would report a killed process as a survivor.
    /// </summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            const ulong PfExiting = 0x4;
            if (fields[0] is "Z" or "X" || (ulong.Parse(fields[6], System.Globalization.CultureInfo.InvariantCulture) & PfExiting) != 0)
            {
                return false;
            }
            const ulong SigKillBit = 1UL << 8;
            var pending = File.ReadAllLines($"/proc/{pid}/status")
                .Where(l => l.StartsWith("SigPnd:", StringComparison.Ordinal) || l.StartsWith("ShdPnd:", StringComparison.Ordinal))
                .Select(l => ulong.Parse(l[7..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
            return !pending.Any(mask => (mask & SigKillBit) != 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // gone (reaped) meanwhile
        }
    }

    [Fact]
    public async Task RunAsync_WhenTheOutputIsExactlyTheLimit_KeepsItAllAndDoesNotSayItWasCut()
    {
        var r = await BashHookProcessRunner.Instance.RunAsync(Request("printf 12345; printf abcde >&2", limit: 5), TestContext.Current.CancellationToken);

        Assert.Equal("12345", r.Stdout);
        Assert.Equal("abcde", r.Stderr);
        Assert.False(r.OutputTruncated);
    }
}
