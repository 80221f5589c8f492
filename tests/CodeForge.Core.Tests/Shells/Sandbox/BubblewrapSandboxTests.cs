using System.Net;
using System.Net.Sockets;
using CodeForge.Core.Shells.Sandbox;
using CodeForge.Core.Tests.Tools.BuiltIn;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Shells.Sandbox;

/// <summary>The real bubblewrap (CI installs it: <c>apt-get install -y bubblewrap</c>); these tests fail, not skip, without it.</summary>
public sealed class BubblewrapSandboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<ShellToolHarness> SandboxedAsync(bool allowNetwork = false)
    {
        var probe = await BubblewrapSandbox.ProbeOnceAsync();
        Assert.True(probe.Works, $"bubblewrap is required for the sandbox tests (apt-get install -y bubblewrap): path={probe.Path ?? "not found"}, reason={probe.FailureReason}");
        var plain = new ShellToolHarness();
        var root = plain.Root;
        await plain.DisposeAsync();
        Directory.CreateDirectory(root);
        var status = await BubblewrapSandbox.ConfigureAsync(true, new SandboxPolicy([root], allowNetwork));
        Assert.True(status.IsActive, status.Description);
        return new ShellToolHarness(new BashToolOptions { Launcher = status.Launcher, Sandboxed = true }, root);
    }

    /// <summary>
    /// A writable place outside the workspace that the sandbox shows read-only: the home directory (the test's own bin
    /// folder would do, except when the checkout lives under /tmp, which the sandbox replaces with a private /tmp).
    /// </summary>
    private static string OutsideRoot => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    [Fact]
    public async Task Bash_InTheSandbox_ReportsABackgroundJobAsLeftOver_ButNeverBubblewrapsOwnInit()
    {
        await using var h = await SandboxedAsync();
        var marker = Shells.ShellTestSupport.UniqueSleep();

        // Many plain commands: bwrap's init outlives each by a moment, which must never read as a leftover.
        for (var i = 0; i < 20; i++)
        {
            var plain = await h.BashAsync("cat /etc/hostname > /dev/null; echo plain");
            Assert.True(plain.Success, plain.Error);
            Assert.Equal("plain", plain.Output);
        }
        var job = await h.BashAsync($"sleep {marker} & until [ \"$(cat /proc/$!/comm 2>/dev/null)\" = sleep ]; do :; done; echo started");

        Assert.True(job.Success, job.Error);
        Assert.StartsWith("started", job.Output, StringComparison.Ordinal);
        Assert.Contains("were stopped when it finished", job.Output, StringComparison.Ordinal);
        Assert.True(Shells.ShellTestSupport.EventuallyTrue(() => Shells.ShellTestSupport.LivingWith(marker).Length == 0), "the job outlived its command");
    }

    [Fact]
    public async Task Probe_RunsBwrapOnceAndCachesTheResult()
    {
        var first = BubblewrapSandbox.ProbeOnceAsync();

        Assert.Same(first, BubblewrapSandbox.ProbeOnceAsync());
        Assert.True((await first).Works, (await first).FailureReason);
    }

    [Fact]
    public async Task Configure_WithoutBwrap_FallsBackAndSaysSo()
    {
        var status = await BubblewrapSandbox.ConfigureAsync(true, new SandboxPolicy(["/tmp"]), probe: BubblewrapSandbox.ProbeAsync("/no/such/bwrap", Ct));

        Assert.Equal(SandboxState.NotFound, status.State);
        Assert.True(status.IsFallback);
        Assert.StartsWith("sandbox: none — bwrap not found", status.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_WhenTheKernelRefuses_FallsBackWithTheReason()
    {
        var status = await BubblewrapSandbox.ConfigureAsync(true, new SandboxPolicy(["/tmp"]),
            probe: Task.FromResult(new BubblewrapProbe("/usr/bin/bwrap", false, "bwrap: No permissions to create new namespace")));

        Assert.Equal(SandboxState.Refused, status.State);
        Assert.Equal("sandbox: none — kernel refused: bwrap: No permissions to create new namespace; Bash runs unsandboxed, deny rules checked by the command parser only", status.Description);
    }

    [Fact]
    public async Task Configure_WhenDisabled_SaysOffAndDoesNotSandbox()
    {
        var status = await BubblewrapSandbox.ConfigureAsync(false, new SandboxPolicy(["/tmp"]));

        Assert.Equal(SandboxState.Disabled, status.State);
        Assert.False(status.IsFallback);
        Assert.IsNotType<SandboxedProcessLauncher>(status.Launcher);
    }

    [Fact]
    public async Task Configure_WhenBwrapWorks_DescribesTheProtection()
    {
        var status = await BubblewrapSandbox.ConfigureAsync(true, new SandboxPolicy(["/tmp"]));

        Assert.StartsWith("sandbox: bubblewrap, network off (writable: /tmp, private /tmp)", status.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_WhenTheNetworkIsAllowed_SaysItIsOn()
    {
        var works = Task.FromResult(new BubblewrapProbe("/usr/bin/bwrap", true, null));

        var status = await BubblewrapSandbox.ConfigureAsync(true, new SandboxPolicy(["/tmp"], AllowNetwork: true), probe: works);

        Assert.StartsWith("sandbox: bubblewrap, network on (writable: /tmp, private /tmp)", status.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sandboxed_WriteInsideTheWorkspaceSucceeds_WriteOutsideFails()
    {
        var outside = Path.Combine(OutsideRoot, "sandbox-outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        await using var h = await SandboxedAsync();
        try
        {
            var inside = await h.BashAsync("echo inside > made.txt && cat made.txt");
            var denied = await h.BashAsync($"echo escaped > '{outside}/x.txt'");
            var home = await h.BashAsync("touch \"$HOME/.forge-sandbox-probe\"");

            Assert.True(inside.Success, inside.Error);
            Assert.Equal("inside\n", await File.ReadAllTextAsync(h.PathOf("made.txt"), Ct));
            Assert.False(denied.Success);
            Assert.Contains("Read-only file system", denied.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(outside, "x.txt")));
            Assert.False(home.Success);
            Assert.Equal(true, inside.Metadata["sandboxed"]);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task Sandboxed_CommandCannotCreateForgeOrClaudeConfiguration_WhereNoneExists()
    {
        await using var h = await SandboxedAsync();
        Assert.False(File.Exists(h.PathOf(".forge/settings.local.json")));

        var forge = await h.BashAsync("mkdir -p .forge && echo '{\"hooks\":{}}' > .forge/settings.local.json");
        var claude = await h.BashAsync("python3 -c \"import os; os.makedirs('.claude/commands', exist_ok=True)\" || mkdir .claude/commands");
        var elsewhere = await h.BashAsync("mkdir -p notes && echo ok > notes/a.txt");

        Assert.False(forge.Success);
        Assert.False(File.Exists(h.PathOf(".forge/settings.local.json")));
        Assert.False(claude.Success);
        Assert.False(Directory.Exists(h.PathOf(".claude/commands")));
        Assert.True(elsewhere.Success, elsewhere.Error);
    }

    [Fact]
    public void Arguments_DropEveryCapability_AndBindTheMasksLast()
    {
        var root = Path.Combine(OutsideRoot, "sandbox-args-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "hidden"));
        File.WriteAllText(Path.Combine(root, "secret"), "s");
        try
        {
            var args = BubblewrapSandbox.Arguments(new SandboxPolicy([root]), root,
                new SandboxMounts([Path.Combine(root, "secret"), Path.Combine(root, "hidden"), Path.Combine(root, "hidden/inner")], [Path.Combine(root, "hidden/x")]));
            var text = string.Join(' ', args);

            Assert.Contains("--cap-drop ALL", text, StringComparison.Ordinal);
            Assert.Matches($"--ro-bind \\S+/dir {Regex(root)}/hidden ", text);
            Assert.Matches($"--ro-bind \\S+/file {Regex(root)}/secret ", text);
            Assert.DoesNotContain("hidden/inner", text, StringComparison.Ordinal);
            Assert.DoesNotContain("hidden/x", text, StringComparison.Ordinal);
            Assert.True(text.IndexOf($"--bind {root} {root}", StringComparison.Ordinal) < text.IndexOf("/dir " + root + "/hidden", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        static string Regex(string s) => System.Text.RegularExpressions.Regex.Escape(s);
    }

    [Fact]
    public void Arguments_BindExistingProtectedEntriesReadOnly_MaskMissingConfigFolders_AndEndWithTheDirectory()
    {
        var root = Path.Combine(OutsideRoot, "sandbox-protected-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, ".git", "hooks"));
        File.WriteAllText(Path.Combine(root, ".git", "config"), "[core]");
        Directory.CreateDirectory(Path.Combine(root, ".forge"));
        try
        {
            var args = BubblewrapSandbox.Arguments(new SandboxPolicy([root]), root);
            var text = string.Join(' ', args);

            Assert.Equal(
                new[] { "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--unshare-pid", "--unshare-ipc", "--cap-drop", "ALL", "--unshare-net" },
                args.Take(14));
            Assert.Contains($"--bind {root} {root} ", text, StringComparison.Ordinal);
            Assert.Contains($"--ro-bind {root}/.git/hooks {root}/.git/hooks ", text, StringComparison.Ordinal);
            Assert.Contains($"--ro-bind {root}/.git/config {root}/.git/config ", text, StringComparison.Ordinal);
            Assert.Contains($"--ro-bind {root}/.forge {root}/.forge ", text, StringComparison.Ordinal);
            Assert.Matches($"--ro-bind \\S+/dir {System.Text.RegularExpressions.Regex.Escape(root)}/\\.claude ", text);
            Assert.Equal(new[] { "--setenv", "TMPDIR", "/tmp", "--chdir", root, "--" }, args.TakeLast(6));
            Assert.DoesNotContain("--unshare-net", BubblewrapSandbox.Arguments(new SandboxPolicy([root], AllowNetwork: true), root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Probe_RunsBwrapWithTheDefaultArgumentsAndBinTrue()
    {
        using var fake = new FakeBwrap("printf '%s\\n' \"$@\" > \"$0.args\"\nexit 0");

        var probe = await fake.ProbeAsync();

        Assert.Equal(new BubblewrapProbe(fake.Path, true, null), probe);
        Assert.Equal(
            BubblewrapSandbox.Arguments(new SandboxPolicy([], AllowNetwork: false), "/").Append("/bin/true"),
            (await File.ReadAllTextAsync(fake.Path + ".args", Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Probe_WhenBwrapFails_GivesTheFirstLineOfItsErrorOrItsExitCode()
    {
        using var loud = new FakeBwrap("echo 'bwrap: No permissions to create new namespace  ' >&2\necho second >&2\nexit 1");
        using var silent = new FakeBwrap("exit 3");

        Assert.Equal(new BubblewrapProbe(loud.Path, false, "bwrap: No permissions to create new namespace"), await loud.ProbeAsync());
        Assert.Equal(new BubblewrapProbe(silent.Path, false, "bwrap exited with code 3"), await silent.ProbeAsync());
    }

    [Fact]
    public async Task Probe_WithoutABwrapPath_FindsNothing()
    {
        Assert.Equal(new BubblewrapProbe(null, false, null), await BubblewrapSandbox.ProbeAsync(null, Ct));
        Assert.Equal(new BubblewrapProbe(null, false, null), await BubblewrapSandbox.ProbeAsync("/no/such/bwrap", Ct));
    }

    /// <summary>A shell script standing in for bwrap, in a folder of its own.</summary>
    private sealed class FakeBwrap : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-fake-bwrap-");

        public FakeBwrap(string body)
        {
            Path = System.IO.Path.Join(_dir.FullName, "bwrap");
            File.WriteAllText(Path, "#!/bin/sh\n" + body + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        public string Path { get; }

        /// <summary>
        /// Probes this script. A script just written can fail to start with ETXTBSY while a process forked meanwhile by
        /// another test still holds the written file open (until its exec closes it): that start is retried.
        /// </summary>
        public async Task<BubblewrapProbe> ProbeAsync()
        {
            for (var attempt = 1; ; attempt++)
            {
                var probe = await BubblewrapSandbox.ProbeAsync(Path, TestContext.Current.CancellationToken);
                if (attempt == 20 || probe.FailureReason?.Contains("Text file busy", StringComparison.Ordinal) != true)
                {
                    return probe;
                }
            }
        }

        public void Dispose() => _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Sandboxed_TmpIsPrivate_AndCdThereResetsTheDirectory()
    {
        var name = "forge-private-" + Guid.NewGuid().ToString("N");
        await using var h = await SandboxedAsync();

        var result = await h.BashAsync($"echo hidden > /tmp/{name} && cat /tmp/{name} && cd /tmp");

        Assert.True(result.Success, result.Error);
        Assert.StartsWith("hidden", result.Output, StringComparison.Ordinal);
        Assert.Contains("Shell cwd was reset", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), name)));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Sandboxed_NetworkIsOffUnlessAllowed(bool allowNetwork, bool expectConnected)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var h = await SandboxedAsync(allowNetwork);

        var result = await h.BashAsync($"exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected", timeoutMs: 20_000);

        Assert.Equal(expectConnected, result.Success);
        Assert.Equal(expectConnected, (result.Success ? result.Output : result.Error!).Contains("connected", StringComparison.Ordinal)
            && !(result.Error ?? "").Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sandboxed_TimeoutKillsEverythingInsideTheSandbox()
    {
        var marker = ShellTestSupport.UniqueSleep();
        await using var h = await SandboxedAsync();

        var result = await h.BashAsync($"sleep {marker} & wait", timeoutMs: 1500);

        Assert.False(result.Success);
        Assert.Contains("timed out", result.Error, StringComparison.Ordinal);
        Assert.True(ShellTestSupport.EventuallyTrue(() => ShellTestSupport.LivingWith(marker).Length == 0), "a sandboxed sleep survived the timeout");
    }

    [Fact]
    public async Task Sandboxed_BackgroundShellRunsInsideAndKillShellEndsIt()
    {
        var marker = ShellTestSupport.UniqueSleep();
        var outside = Path.Combine(OutsideRoot, "sandbox-bg-" + Guid.NewGuid().ToString("N"));
        await using var h = await SandboxedAsync();
        var started = await h.RunAsync("Bash", FileToolHarness.Args(("command", $"touch '{outside}' 2>&1; echo ready; sleep {marker}"), ("run_in_background", true)));
        var shell = h.Shells.Get((string)started.Metadata["bash_id"]!)!;
        var lines = await ShellTestSupport.ReadLinesAsync(shell, 2, Ct);
        Assert.True(ShellTestSupport.EventuallyTrue(() => ShellTestSupport.LivingWith(marker).Length == 1), "the sandboxed sleep did not start");

        var kill = await h.RunAsync("KillShell", FileToolHarness.Args(("shell_id", shell.Id)));

        Assert.Contains("Read-only file system", lines[0], StringComparison.Ordinal);
        Assert.False(File.Exists(outside));
        Assert.StartsWith("Successfully killed", kill.Output, StringComparison.Ordinal);
        Assert.True(ShellTestSupport.EventuallyTrue(() => ShellTestSupport.LivingWith(marker).Length == 0), "the sandboxed sleep survived KillShell");
    }
}
