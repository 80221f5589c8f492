using System.Globalization;
using CodeForge.Core.Shells;
using CodeForge.Core.Tests.Shells;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;
using static CodeForge.Core.Tests.Tools.BuiltIn.FileToolHarness;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>The Bash tool over real bash processes (no sandbox here; see BubblewrapSandboxTests for the sandbox).</summary>
public sealed class BashToolTests : IAsyncLifetime
{
    private readonly ShellToolHarness _h = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task Run_WhenTheCommandSucceeds_ReturnsItsOutputAndExitCodeZero()
    {
        var result = await _h.BashAsync("echo hello; echo world");

        Assert.True(result.Success, result.Error);
        Assert.Equal("hello\nworld", result.Output);
        Assert.Equal(0, result.Metadata["exit_code"]);
    }

    [Fact]
    public async Task Run_WhenTheCommandFails_IsAFailedResultWithTheExitCodeAndTheOutput()
    {
        var result = await _h.BashAsync("echo partial; exit 3");

        Assert.False(result.Success);
        Assert.StartsWith("Exit code 3\npartial", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, result.Metadata["exit_code"]);
    }

    [Fact]
    public async Task Run_InterleavesStandardOutputAndStandardErrorInTheOrderProduced()
    {
        var result = await _h.BashAsync("echo one; echo two >&2; echo three; ls /no/such/path");

        Assert.False(result.Success);
        Assert.Matches("^Exit code 2\none\ntwo\nthree\nls: cannot access '/no/such/path': No such file or directory$", result.Error);
    }

    [Fact]
    public async Task Run_WithSyntaxThatNeedsAFullShell_WorksLikeBash()
    {
        var result = await _h.BashAsync("""
            f() { echo "[[$1]]"; }
            for x in a b; do f "$x"; done
            cat <<EOF
            here doc
            EOF
            echo $(( 6 * 7 )) "it's" | tr a-z A-Z
            """);

        Assert.True(result.Success, result.Error);
        Assert.Equal("[[a]]\n[[b]]\nhere doc\n42 IT'S", result.Output);
    }

    [Fact]
    public async Task Run_WithABashSyntaxError_ReportsBashsMessageAndStillKeepsTheDirectory()
    {
        await _h.BashAsync("mkdir -p d && cd d");

        var result = await _h.BashAsync("if then fi (");

        Assert.False(result.Success);
        Assert.Contains("syntax error", result.Error, StringComparison.Ordinal);
        Assert.Equal(_h.PathOf("d"), (await _h.BashAsync("pwd")).Output);
    }

    [Fact]
    public async Task Run_WithStdinReadingCommand_SeesEndOfFileInsteadOfHanging()
    {
        var result = await _h.BashAsync("cat; read x; echo after $?");

        Assert.True(result.Success, result.Error);
        Assert.Equal("after 1", result.Output);
    }

    [Fact]
    public async Task Timeout_KillsTheWholeProcessGroupAndSaysSo()
    {
        var marker = ShellTestSupport.UniqueSleep();

        var result = await _h.BashAsync($"echo before; sleep {marker} & echo $! > child.pid; wait", timeoutMs: 1000);

        Assert.False(result.Success);
        Assert.Contains("timed out after 1 s", result.Error, StringComparison.Ordinal);
        Assert.Contains("whole process group", result.Error, StringComparison.Ordinal);
        Assert.Contains("before", result.Error, StringComparison.Ordinal);
        Assert.Equal(true, result.Metadata["timed_out"]);
        var child = int.Parse((await File.ReadAllTextAsync(_h.PathOf("child.pid"), Ct)).Trim(), CultureInfo.InvariantCulture);
        Assert.True(ShellTestSupport.EventuallyTrue(() => !ShellTestSupport.IsAlive(child, marker)), $"sleep {child} survived the timeout");
    }

    [Fact]
    public async Task Cancellation_KillsTheWholeProcessGroup()
    {
        var marker = ShellTestSupport.UniqueSleep();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // The pid file appears by rename, so once it exists it is complete.
        var run = _h.RunAsync("Bash", Args(("command", $"sleep {marker} & echo $! > child.tmp && mv child.tmp child.pid; wait")), cts.Token);
        await ShellToolHarness.WaitForFileAsync(_h.PathOf("child.pid"), Ct);
        var child = int.Parse((await File.ReadAllTextAsync(_h.PathOf("child.pid"), Ct)).Trim(), CultureInfo.InvariantCulture);
        // $! is known as soon as bash forks; the child is "sleep <marker>" only once it has exec'd (a moment later on a
        // loaded machine: one CI run read the pid first).
        Assert.True(ShellTestSupport.EventuallyTrue(() => ShellTestSupport.IsAlive(child, marker)), $"sleep {child} never started");

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(ShellTestSupport.EventuallyTrue(() => !ShellTestSupport.IsAlive(child, marker)), $"sleep {child} survived the cancellation");
    }

    [Fact]
    public async Task Run_WhenTheCommandLeavesABackgroundJob_StopsItAndSaysSo()
    {
        var marker = ShellTestSupport.UniqueSleep();

        var result = await _h.BashAsync($"sleep {marker} & echo $! > job.pid; echo started");

        Assert.True(result.Success, result.Error);
        Assert.StartsWith("started", result.Output, StringComparison.Ordinal);
        Assert.Contains("were stopped when it finished", result.Output, StringComparison.Ordinal);
        var job = int.Parse((await File.ReadAllTextAsync(_h.PathOf("job.pid"), Ct)).Trim(), CultureInfo.InvariantCulture);
        Assert.True(ShellTestSupport.EventuallyTrue(() => !ShellTestSupport.IsAlive(job, marker)), $"sleep {job} outlived its command");
    }

    [Fact]
    public async Task WorkingDirectory_CarriesOverBetweenCalls()
    {
        Assert.True((await _h.BashAsync("mkdir -p 'a b/c' && cd 'a b/c'")).Success);

        var pwd = await _h.BashAsync("pwd");
        await _h.BashAsync("cd ..");
        var parent = await _h.BashAsync("pwd");

        Assert.Equal(_h.PathOf("a b/c"), pwd.Output);
        Assert.Equal(_h.PathOf("a b"), parent.Output);
        Assert.Equal(_h.PathOf("a b"), _h.Bash.CurrentDirectory);
    }

    [Fact]
    public async Task WorkingDirectory_WhenACommandLeavesTheAllowedDirectories_IsResetAndTheModelIsTold()
    {
        var result = await _h.BashAsync("cd / && echo moved");

        Assert.True(result.Success, result.Error);
        Assert.Contains("moved", result.Output, StringComparison.Ordinal);
        Assert.Contains($"Shell cwd was reset to {_h.Root}", result.Output, StringComparison.Ordinal);
        Assert.Equal(_h.Root, (await _h.BashAsync("pwd")).Output);
    }

    [Fact]
    public async Task WorkingDirectory_InAnAdditionalDirectory_IsKept()
    {
        var extra = FilePathPolicy.RealPath(Directory.CreateTempSubdirectory("forge-bash-extra-").FullName);
        try
        {
            _h.Context = _h.Context with { AdditionalDirectories = [.. _h.Context.AdditionalDirectories, extra] };

            await _h.BashAsync($"cd '{extra}'");

            Assert.Equal(extra, (await _h.BashAsync("pwd")).Output);
        }
        finally
        {
            Directory.Delete(extra, recursive: true);
        }
    }

    [Fact]
    public async Task WorkingDirectory_WhenItWasDeleted_TheNextCommandRunsInTheWorkingDirectoryAndSaysSo()
    {
        await _h.BashAsync("mkdir gone && cd gone");
        Directory.Delete(_h.PathOf("gone"));

        var result = await _h.BashAsync("pwd");

        Assert.True(result.Success, result.Error);
        Assert.EndsWith(_h.Root, result.Output, StringComparison.Ordinal);
        Assert.Contains("is gone or no longer allowed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_OverTheCap_IsShortenedAndTheFullOutputIsSavedInAFileTheModelCanRead()
    {
        var expected = string.Concat(Enumerable.Range(1, 20_000).Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n"));

        var result = await _h.BashAsync("seq 1 20000");

        Assert.True(result.Success, result.Error);
        Assert.True(result.Output.Length < 31_000, $"{result.Output.Length} chars returned");
        Assert.StartsWith("1\n2\n3\n", result.Output, StringComparison.Ordinal);
        Assert.EndsWith("19999\n20000", result.Output, StringComparison.Ordinal);
        Assert.Contains("characters omitted", result.Output, StringComparison.Ordinal);
        var file = Assert.IsType<string>(result.Metadata["output_file"]);
        Assert.Contains(file, result.Output, StringComparison.Ordinal);
        Assert.StartsWith(_h.OutputDirectory, file, StringComparison.Ordinal);
        Assert.Equal(expected, await File.ReadAllTextAsync(file, Ct));
        var read = await _h.RunAsync("Read", Args(("file_path", file), ("offset", 19_999L), ("limit", 2L)));
        Assert.True(read.Success, read.Error);
        Assert.Contains("19999", read.Output, StringComparison.Ordinal);
        Assert.Contains("20000", read.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_WithBinaryData_IsCleanedAndFlaggedWithoutControlCharacters()
    {
        var result = await _h.BashAsync(@"printf 'start\n'; head -c 4096 /bin/sh; printf '\nend\n'");

        Assert.True(result.Success, result.Error);
        Assert.StartsWith("[The command printed binary data", result.Output, StringComparison.Ordinal);
        Assert.Contains("start", result.Output, StringComparison.Ordinal);
        Assert.EndsWith("end", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Output, c => char.IsControl(c) && c is not '\n' and not '\t');
    }

    [Fact]
    public async Task Output_WithInvalidUtf8AndTerminalEscapes_IsReadableText()
    {
        var result = await _h.BashAsync(@"printf 'caf\xc3\xa9 ok\n'; printf 'bad \xff\xfe end\n'; printf '\033[31mred\033[0m\r\n'; printf '50%%\r100%%\n'; printf '\033]0;title\007done\n'");

        Assert.True(result.Success, result.Error);
        Assert.Equal("café ok\nbad \uFFFD\uFFFD end\nred\n50%\n100%\ndone", result.Output);
    }

    [Fact]
    public async Task Run_WithNoOutput_SaysSo()
    {
        var result = await _h.BashAsync("true");

        Assert.True(result.Success);
        Assert.Equal("(no output)", result.Output);
    }

    [Theory]
    [InlineData("{}", "command")]
    [InlineData("""{"command": 42}""", "command")]
    [InlineData("""{"command": ""}""", "command")]
    [InlineData("""{"command": "ls", "timeout": 0}""", "timeout")]
    [InlineData("""{"command": "ls", "timeout": 600001}""", "timeout")]
    [InlineData("""{"command": "ls", "timeout": "60"}""", "timeout")]
    [InlineData("""{"command": "ls", "timeout": 1.5}""", "timeout")]
    [InlineData("""{"command": "ls", "run_in_background": "yes"}""", "run_in_background")]
    public async Task InvalidArguments_ThroughTheExecutor_AreClearErrors(string json, string parameter)
    {
        var result = await _h.RunAsync("Bash", json);

        Assert.False(result.Success);
        Assert.Contains(parameter, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "'command' is required")]
    [InlineData("""{"command": 42}""", "'command' must be a string")]
    [InlineData("""{"command": "   "}""", "'command' is empty")]
    [InlineData("""{"command": "ls", "timeout": 700000}""", "'timeout' must be between 1 and 600000, got 700000")]
    [InlineData("""{"command": "ls", "timeout": -5}""", "'timeout' must be between 1 and 600000, got -5")]
    [InlineData("""{"command": "ls", "timeout": "soon"}""", "'timeout' must be an integer")]
    [InlineData("""{"command": "ls", "run_in_background": 1}""", "'run_in_background' must be a boolean (true or false), got 1")]
    [InlineData("""{"command": "echo \u0000"}""", "NUL")]
    public async Task InvalidArguments_CalledDirectly_AreClearErrors(string json, string message)
    {
        var result = await _h.DirectAsync("Bash", json);

        Assert.False(result.Success);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithATooLongCommand_ExplainsTheLimit()
    {
        var result = await _h.BashAsync("echo " + new string('x', CommandRunner.MaxCommandBytes + 1));

        Assert.False(result.Success);
        Assert.Contains("Write the script to a file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_BeyondTheToolContextsLimit_IsCappedSoBashReportsItItself()
    {
        _h.Context = _h.Context with { Timeout = TimeSpan.FromSeconds(3) };

        var result = await _h.BashAsync("sleep 30", timeoutMs: 600_000);

        Assert.False(result.Success);
        Assert.Contains("timed out after 2 s (the tool call's time limit)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeAccess_IsExclusive_WhateverTheCommand()
    {
        Assert.Same(ToolAccess.Everything, _h.Bash.DescribeAccess(Json("""{"command": "cat README"}"""), _h.Context));
        Assert.True(_h.Bash.DescribeAccess(Json("{}"), _h.Context).Exclusive);
    }

    [Fact]
    public async Task Run_SetsTheAgentEnvironmentAndTheConfiguredVariables()
    {
        await using var h = new ShellToolHarness(new BashToolOptions { Environment = new Dictionary<string, string?> { ["MY_SETTING"] = "from-settings" } });

        var result = await h.BashAsync("echo $CODEFORGE $GIT_EDITOR $MY_SETTING");

        Assert.Equal("1 true from-settings", result.Output);
    }
}
