using System.Globalization;
using System.Text.Json;
using CodeForge.Cli.Composition;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Composition;

/// <summary>The real <c>forge -p</c> with the shell tools: Bash runs (sandboxed where bwrap works), background shells die with forge.</summary>
public sealed class ShellSetupTests() : ForgeWorkspaceTestBase("forge-shells-")
{
    private static string Call(params (string Key, object Value)[] args) =>
        JsonSerializer.Serialize(args.ToDictionary(a => a.Key, a => a.Value is bool b ? (JsonElement)JsonSerializer.SerializeToElement(b) : JsonSerializer.SerializeToElement((string)a.Value)));

    [Fact]
    public async Task RunUserCommand_RunsInTheSandboxThatEnforcesTheDenyRules()
    {
        Directory.CreateDirectory(Repo);
        await File.WriteAllTextAsync(Path.Combine(Repo, "secret.txt"), "TOPSECRET", TestContext.Current.CancellationToken);
        var checker = new CodeForge.Core.Permissions.PermissionChecker(Repo, Home);
        checker.AddSessionRule(CodeForge.Core.Permissions.PermissionBehavior.Deny, "Read(./secret.txt)");
        using var stderr = new StringWriter();
        await using var shells = await ShellSetup.CreateAsync(CodeForge.Core.Config.Settings.Defaults, Repo, [], "s1", verbose: false, null,
            DiagnosticLog.ToText(stderr), permissions: checker);

        var run = await shells.RunUserCommandAsync("cat secret.txt; python3 -c \"print(open('secret.txt').read())\"; echo done", Repo, TestContext.Current.CancellationToken);

        Assert.Equal("bwrap", shells.Protection);
        Assert.Contains("done", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("TOPSECRET", run.Output, StringComparison.Ordinal);
        Assert.Contains("Permission denied", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_DoesNotProbeTheSandbox_UntilTheFirstCommandNeedsIt_ThenProbesOnce()
    {
        Directory.CreateDirectory(Repo);
        var ct = TestContext.Current.CancellationToken;
        var probes = 0;
        using var stderr = new StringWriter();
        await using var shells = await ShellSetup.CreateAsync(CodeForge.Core.Config.Settings.Defaults, Repo, [], "s3", verbose: true, null, DiagnosticLog.ToText(stderr),
            probe: () =>
            {
                Interlocked.Increment(ref probes);
                return CodeForge.Core.Shells.Sandbox.BubblewrapSandbox.ProbeAsync(CodeForge.Core.Shells.Sandbox.BubblewrapSandbox.Find());
            });
        await shells.BeforeDecisionAsync("Read", ct);
        var before = (Volatile.Read(ref probes), shells.Protection, stderr.ToString());

        var first = await shells.RunUserCommandAsync("echo one", Repo, ct);
        await shells.BeforeDecisionAsync("Bash", ct);
        var second = await shells.RunUserCommandAsync("echo two", Repo, ct);

        Assert.Equal((0, "sandbox not checked yet", ""), before);
        Assert.Equal(1, Volatile.Read(ref probes));
        Assert.Equal("bwrap", shells.Protection);
        Assert.Equal(("one", "two"), (first.Output.Trim(), second.Output.Trim()));
        Assert.Single(stderr.ToString().Split('\n'), l => l.Contains("sandbox: bubblewrap, network off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BashTool_TwoConcurrentFirstCalls_ProbeTheSandboxOnce_AndBothRunInIt()
    {
        Directory.CreateDirectory(Repo);
        var ct = TestContext.Current.CancellationToken;
        var probes = 0;
        var probeMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stderr = new StringWriter();
        await using var shells = await ShellSetup.CreateAsync(CodeForge.Core.Config.Settings.Defaults, Repo, [], "s4", verbose: true, null, DiagnosticLog.ToText(stderr),
            probe: async () =>
            {
                Interlocked.Increment(ref probes);
                await probeMayFinish.Task.ConfigureAwait(false);
                return await CodeForge.Core.Shells.Sandbox.BubblewrapSandbox.ProbeAsync(CodeForge.Core.Shells.Sandbox.BubblewrapSandbox.Find()).ConfigureAwait(false);
            });
        var bash = shells.Tools.Single(t => t.Name == "Bash");
        var context = shells.Apply(new CodeForge.Core.Tools.ToolContext(Repo));
        using var barrier = new Barrier(2);

        // Each call runs synchronously up to its wait for the sandbox decision (its first await), so once both have
        // returned a pending task, both are waiting for the one decision while the probe is held.
        var calls = new[] { "one", "two" }.Select(word => Task.Factory.StartNew(() =>
        {
            barrier.SignalAndWait(ct);
            return bash.ExecuteAsync(JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["command"] = $"echo {word}" }), context, ct);
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        var running = await Task.WhenAll(calls);
        var pendingWhileProbing = running.Count(r => !r.IsCompleted);
        probeMayFinish.SetResult();
        var results = await Task.WhenAll(running);

        Assert.Equal(2, pendingWhileProbing);
        Assert.Equal(1, Volatile.Read(ref probes));
        Assert.All(results, r => Assert.True(r.Success, r.Error));
        Assert.Contains("one", results[0].Output, StringComparison.Ordinal);
        Assert.Contains("two", results[1].Output, StringComparison.Ordinal);
        Assert.Equal("bwrap", shells.Protection);
        Assert.Single(stderr.ToString().Split('\n'), l => l.Contains("sandbox: bubblewrap, network off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Print_AOneTurnAnswerOverHttp_NeverLoadsOpenSsl()
    {
        // The shell ids' random key came from RandomNumberGenerator, which loads libssl and libcrypto on Linux (~3 ms of
        // CPU and 3.7 MB resident): a run against a local model over http opens no TLS connection and must not pay it.
        _server.Enqueue(ScriptedTurn.Reply("Hello."));

        var answer = await RunTracingAsync("openat", ["-p", "say hello", "--provider", "openai"]);

        Assert.True(answer.ExitCode == 0, answer.StdErr);
        Assert.Equal("Hello.", answer.StdOut.Trim());
        Assert.Contains(answer.Lines, l => l.Contains(".jsonl\"", StringComparison.Ordinal)); // the trace sees forge's own files
        Assert.DoesNotContain(answer.Lines, l => l.Contains("libssl", StringComparison.Ordinal) || l.Contains("libcrypto", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Print_ATurnThatReadsAFile_NeverLoadsOpenSsl()
    {
        // Read recorded a SHA-256 of the file's bytes (for Edit's "changed since read" check), and on Linux every .NET
        // SHA-256 goes through OpenSSL: reading a file loaded libssl and libcrypto into a run that opens no TLS connection.
        Directory.CreateDirectory(Repo);
        var file = Path.Combine(Repo, "notes.txt");
        await File.WriteAllTextAsync(file, "the secret word is heron\n", TestContext.Current.CancellationToken);
        _server.Enqueue(
            ScriptedTurn.CallTool("Read", Call(("file_path", file)), "call_1"),
            ScriptedTurn.Reply("Read it."));

        var answer = await RunTracingAsync("openat", ["-p", "read notes.txt", "--provider", "openai", "--allowedTools", "Read"]);

        Assert.True(answer.ExitCode == 0, answer.StdErr);
        Assert.Equal("Read it.", answer.StdOut.Trim());
        Assert.Contains("heron", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains(answer.Lines, l => l.Contains("notes.txt\"", StringComparison.Ordinal)); // the trace sees the Read
        Assert.DoesNotContain(answer.Lines, l => l.Contains("libssl", StringComparison.Ordinal) || l.Contains("libcrypto", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Print_AOneTurnAnswerWithoutACommand_StartsNoBubblewrapProcess_WhileABashCallDoes()
    {
        _server.Enqueue(ScriptedTurn.Reply("Hello."));
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", Call(("command", "echo ran")), "call_1"),
            ScriptedTurn.Reply("Done."));

        var answer = await RunTracingExecAsync(["-p", "say hello", "--provider", "openai", "--allowedTools", "Bash"]);
        var command = await RunTracingExecAsync(["-p", "run echo", "--provider", "openai", "--allowedTools", "Bash"]);

        Assert.True(answer.ExitCode == 0, answer.StdErr);
        Assert.True(command.ExitCode == 0, command.StdErr);
        Assert.Equal("Hello.", answer.StdOut.Trim());
        Assert.Contains("ran", _server.Requests[2].Body, StringComparison.Ordinal);
        Assert.NotEmpty(answer.Programs);
        Assert.DoesNotContain(answer.Programs, p => p.EndsWith("/bwrap", StringComparison.Ordinal));
        Assert.Contains(command.Programs, p => p.EndsWith("/bwrap", StringComparison.Ordinal));
    }

    /// <summary>Runs the real forge under <c>strace -f -e trace=execve</c>: its exit code, output, and every program it or
    /// any process it started executed.</summary>
    private async Task<(int ExitCode, string StdOut, string StdErr, List<string> Programs)> RunTracingExecAsync(string[] args)
    {
        var (exitCode, stdout, stderr, lines) = await RunTracingAsync("execve", args);
        // Lines look like `1234 execve("/usr/bin/git", ["git", ...], ...) = 0`, or end in `<unfinished ...>` when another
        // process's call interleaves; every attempt to start a program counts.
        var programs = lines
            .Where(l => l.Contains("execve(\"", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("execve(\"", StringComparison.Ordinal) + 8)..])
            .Select(l => l[..l.IndexOf('"', StringComparison.Ordinal)])
            .ToList();
        return (exitCode, stdout, stderr, programs);
    }

    /// <summary>Runs the real forge under <c>strace -f -e trace=<paramref name="calls"/></c>: its exit code, output, and
    /// the trace's lines.</summary>
    private async Task<(int ExitCode, string StdOut, string StdErr, string[] Lines)> RunTracingAsync(string calls, string[] args)
    {
        var trace = Path.Combine(_root.FullName, $"{calls}-{Guid.NewGuid():N}.trace");
        var psi = CodeForge.Testing.Forge.ForgeLaunch.StartInfo(args, Repo, Env());
        var original = psi.ArgumentList.ToList();
        psi.ArgumentList.Clear();
        foreach (var a in (string[])["-f", "-qq", "-e", $"trace={calls}", "-e", "signal=none", "-o", trace, psi.FileName, .. original])
        {
            psi.ArgumentList.Add(a);
        }
        psi.FileName = "strace";
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await ForgeProcess.WithinWatchdogAsync(process, process.WaitForExitAsync, CancellationToken.None);
        return (process.ExitCode, await stdout, await stderr, await File.ReadAllLinesAsync(trace, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RunUserCommand_CapsTheOutput_AndStopsWhenCancelled()
    {
        Directory.CreateDirectory(Repo);
        using var stderr = new StringWriter();
        await using var shells = await ShellSetup.CreateAsync(CodeForge.Core.Config.Settings.Defaults, Repo, [], "s2", verbose: false, null, DiagnosticLog.ToText(stderr));
        var marker = Path.Combine(Repo, "started");

        var big = await shells.RunUserCommandAsync("yes line | head -c 200000", Repo, TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();
        var running = shells.RunUserCommandAsync($"touch {marker}; sleep 300 & wait", Repo, cancel.Token);
        while (!File.Exists(marker))
        {
            await Task.Yield();
        }
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.True(big.Truncated);
        Assert.True(big.TotalOutputChars >= 200_000, $"{big.TotalOutputChars} characters counted");
        Assert.True(big.Output.Length < 40_000, $"{big.Output.Length} characters shown");
        Assert.True(big.OutputFile is not null && new FileInfo(big.OutputFile).Length >= 200_000, "the whole output is saved to a file");
    }

    [Fact]
    public async Task Print_WhenTheModelRunsAnAllowedBashCommand_TheFileItCreatesExists()
    {
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", Call(("command", "mkdir -p out && echo made > out/created.txt && cat out/created.txt")), "call_1"),
            ScriptedTurn.Reply("Done."));

        var run = await ForgeProcess.RunAsync(["-p", "make a file", "--provider", "openai", "--allowedTools", "Bash", "--verbose"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("made\n", await File.ReadAllTextAsync(Path.Combine(Repo, "out", "created.txt"), TestContext.Current.CancellationToken));
        Assert.Contains("made", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("forge: sandbox: bubblewrap, network off", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrintVerbose_WithRmDenied_SaysAProgramRuleStopsTheProgramNotTheAct_AndAnEditDenyProtectsTheFile()
    {
        Directory.CreateDirectory(Repo);
        var victim = Path.Combine(Repo, "victim.txt");
        await File.WriteAllTextAsync(victim, "victim", TestContext.Current.CancellationToken);
        // Both run without asking (the parser cannot see into them, the sandbox enforces every deny rule): unlink is masked
        // with rm; python's os.remove is not stopped by the program rule, but by the Edit deny on the file.
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", Call(("command", "printf 'unlink victim.txt || echo unlink-$((6*7))-refused\\n' | sh")), "call_1"),
            ScriptedTurn.CallTool("Bash", Call(("command", "python3 -c \"import os; os.remove('victim.txt')\" || echo remove-$((6*7))-refused")), "call_2"),
            ScriptedTurn.Reply("Tried."));

        var run = await ForgeProcess.RunAsync(["-p", "delete the victim", "--provider", "openai", "--allowedTools", "Bash",
            "--disallowedTools", "Bash(rm *)", "--disallowedTools", "Edit(./victim.txt)", "--verbose"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("Bash(rm *) (masks rm, unlink, shred)", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("a program rule stops the program, not the act", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("an Edit(path) deny rule (read-only inside the sandbox) is what protects the file", run.StdErr, StringComparison.Ordinal);
        // The output (not the command's text, which a denial would quote) shows each command ran and failed inside.
        Assert.Contains("unlink-42-refused", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("remove-42-refused", _server.Requests[2].Body, StringComparison.Ordinal);
        Assert.Equal("victim", await File.ReadAllTextAsync(victim, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Print_ABackgroundShellStartedByTheModel_DoesNotOutliveForge()
    {
        var marker = "3001." + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", Call(("command", $"touch bg-started; exec sleep {marker}"), ("run_in_background", true)), "call_1"),
            ScriptedTurn.CallTool("Bash", Call(("command", "while [ ! -e bg-started ]; do sleep 0.05; done; echo seen")), "call_2"),
            ScriptedTurn.Reply("Started it."));

        var run = await ForgeProcess.RunAsync(["-p", "start a server", "--provider", "openai", "--allowedTools", "Bash"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("Command running in background with ID: shell_", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("seen", _server.Requests[2].Body, StringComparison.Ordinal);
        Assert.Empty(SleepersWith(marker));
    }

    /// <summary>Living processes whose command line is <c>sleep <paramref name="marker"/></c> (host /proc sees inside sandboxes too).</summary>
    private static List<int> SleepersWith(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state != 'Z' && File.ReadAllText(Path.Combine(dir, "cmdline")) == $"sleep\0{marker}\0")
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }
        return found;
    }
}
