using CodeForge.Core.Shells;
using CodeForge.Core.Tests.Shells;
using static CodeForge.Core.Tests.Tools.BuiltIn.FileToolHarness;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>Background commands through Bash, read with BashOutput (incrementally, filtered), stopped with KillShell.</summary>
public sealed class BashOutputToolTests : IAsyncLifetime
{
    private readonly ShellToolHarness _h = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private async Task<ShellProcess> StartAsync(string command)
    {
        var started = await _h.RunAsync("Bash", Args(("command", command), ("run_in_background", true), ("description", "start it")));
        Assert.True(started.Success, started.Error);
        var id = Assert.IsType<string>(started.Metadata["bash_id"]);
        Assert.Contains($"Command running in background with ID: {id}", started.Output, StringComparison.Ordinal);
        return _h.Shells.Get(id)!;
    }

    [Fact]
    public async Task Background_ReadsNewOutputIncrementallyWithAFilter_ThenKillShellEndsTheProcessTree()
    {
        var marker = ShellTestSupport.UniqueSleep();
        var shell = await StartAsync($"echo alpha; echo beta; echo gamma >&2; sleep {marker} & echo $!; wait");
        var lines = await ShellTestSupport.ReadLinesAsync(shell, 4, Ct);
        var sleeper = int.Parse(lines[^1], System.Globalization.CultureInfo.InvariantCulture);

        var first = await _h.RunAsync("BashOutput", Args(("bash_id", shell.Id), ("filter", "^(alpha|gamma)$")));
        var second = await _h.RunAsync("BashOutput", Args(("bash_id", shell.Id)));
        var kill = await _h.RunAsync("KillShell", Args(("shell_id", shell.Id)));
        var after = await _h.RunAsync("BashOutput", Args(("bash_id", shell.Id)));
        var again = await _h.RunAsync("KillShell", Args(("shell_id", shell.Id)));

        Assert.True(first.Success, first.Error);
        Assert.Equal("<status>running</status>\n<stdout>\nalpha\ngamma\n</stdout>", first.Output);
        Assert.Equal("<status>running</status>\n(no new output)", second.Output);
        Assert.Equal($"Successfully killed shell: {shell.Id}", kill.Output);
        Assert.Equal("<status>killed</status>\n<exit_code>137</exit_code>\n(no new output)", after.Output);
        Assert.Contains("was not running (status: killed", again.Output, StringComparison.Ordinal);
        Assert.True(ShellTestSupport.EventuallyTrue(() => !ShellTestSupport.IsAlive(sleeper, marker)), "the background child survived KillShell");
    }

    [Fact]
    public async Task Background_WhenTheCommandFinishes_ReportsCompletedWithTheExitCode()
    {
        var shell = await StartAsync("echo done; exit 4");
        await shell.WaitForExitAsync(Ct);

        var result = await _h.RunAsync("BashOutput", Args(("bash_id", shell.Id)));
        var kill = await _h.RunAsync("KillShell", Args(("shell_id", shell.Id)));

        Assert.Equal("<status>failed</status>\n<exit_code>4</exit_code>\n<stdout>\ndone\n</stdout>", result.Output);
        Assert.Equal(4, result.Metadata["exit_code"]);
        Assert.Equal($"Shell {shell.Id} was not running (status: failed, exit code 4).", kill.Output);
    }

    [Fact]
    public async Task Background_RunsInTheSessionsCurrentDirectory()
    {
        await _h.BashAsync("mkdir -p sub && cd sub");
        var shell = await StartAsync("pwd");
        await shell.WaitForExitAsync(Ct);

        var result = await _h.RunAsync("BashOutput", Args(("bash_id", shell.Id)));

        Assert.Contains(_h.PathOf("sub"), result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BashOutput_WithMoreThanTheCap_ReturnsTheRestOnTheNextCall()
    {
        await using var h = new ShellToolHarness(new CodeForge.Core.Tools.BuiltIn.BashToolOptions { MaxOutputChars = 100 });
        var started = await h.RunAsync("Bash", Args(("command", "seq 1 100"), ("run_in_background", true)));
        var shell = h.Shells.Get((string)started.Metadata["bash_id"]!)!;
        await shell.WaitForExitAsync(Ct);

        var first = await h.RunAsync("BashOutput", Args(("bash_id", shell.Id)));
        var rest = new System.Text.StringBuilder();
        for (var i = 0; i < 10; i++)
        {
            var next = await h.RunAsync("BashOutput", Args(("bash_id", shell.Id)));
            rest.Append(next.Output);
        }

        Assert.Contains("more characters are waiting", first.Output, StringComparison.Ordinal);
        Assert.Contains("(no new output)", rest.ToString(), StringComparison.Ordinal);
        // Every character exactly once, in order: the bodies' digits concatenated equal 1..100's.
        var bodies = System.Text.RegularExpressions.Regex.Matches(first.Output + rest, "<stdout>\n(.*?)</stdout>", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value.Replace("\n", "", StringComparison.Ordinal));
        Assert.Equal(string.Concat(Enumerable.Range(1, 100)), string.Concat(bodies));
    }

    [Fact]
    public async Task BashOutput_WithAnInvalidRegex_IsAClearErrorAndConsumesNothing()
    {
        var shell = await StartAsync("echo kept");
        await shell.WaitForExitAsync(Ct);

        var bad = await _h.RunAsync("BashOutput", Args(("bash_id", shell.Id), ("filter", "([unclosed")));
        var good = await _h.RunAsync("BashOutput", Args(("bash_id", shell.Id)));

        Assert.False(bad.Success);
        Assert.Contains("'filter' is not a valid regular expression", bad.Error, StringComparison.Ordinal);
        Assert.Contains("kept", good.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BashOutput", """{"bash_id": "shell_nope"}""", "No background shell with id 'shell_nope'")]
    [InlineData("KillShell", """{"shell_id": "shell_nope"}""", "No background shell with id 'shell_nope'")]
    [InlineData("BashOutput", "{}", "bash_id")]
    [InlineData("KillShell", """{"shell_id": 7}""", "shell_id")]
    [InlineData("BashOutput", """{"bash_id": "x", "filter": 3}""", "filter")]
    public async Task BadArguments_AreClearErrors(string tool, string json, string message)
    {
        var result = await _h.RunAsync(tool, json);

        Assert.False(result.Success);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }
}
