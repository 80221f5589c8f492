using System.Text;
using System.Text.Json;
using CodeForge.Core.Permissions;
using CodeForge.Core.Shells.Sandbox;
using CodeForge.Core.Tests.Tools.BuiltIn;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Shells.Sandbox;

/// <summary>
/// The permission rules enforced by the real bubblewrap sandbox (CI installs it; these tests fail, not skip, without it):
/// the <see cref="SandboxBypassCorpus"/> run for real, each attempt probed on the host afterwards, and end-to-end checks
/// of a hidden secret, a hidden program and an allowed interpreter.
/// </summary>
public sealed class PermissionSandboxDenialsTests
{
    /// <summary>A fresh workspace with the corpus files, its permission checker and a sandboxed Bash enforcing the rules.</summary>
    private sealed class Workspace : IAsyncDisposable
    {
        private Workspace(ShellToolHarness shells, PermissionChecker checker, SandboxStatus status)
        {
            Shells = shells;
            Checker = checker;
            Status = status;
        }

        public ShellToolHarness Shells { get; }

        public PermissionChecker Checker { get; }

        public SandboxStatus Status { get; }

        public string Root => Shells.Root;

        public static async Task<Workspace> CreateAsync(string[]? allow = null, string[]? deny = null, bool sandboxed = true)
        {
            var probe = await BubblewrapSandbox.ProbeOnceAsync();
            Assert.True(probe.Works, $"bubblewrap is required for the sandbox tests (apt-get install -y bubblewrap): path={probe.Path ?? "not found"}, reason={probe.FailureReason}");
            var root = FilePathPolicy.RealPath(Directory.CreateTempSubdirectory("forge-enforce-").FullName);
            Directory.CreateDirectory(Path.Join(root, "sub/keys"));
            Directory.CreateDirectory(Path.Join(root, "locked"));
            await File.WriteAllTextAsync(Path.Join(root, "secret.txt"), SandboxBypassCorpus.Secret, Ct);
            await File.WriteAllTextAsync(Path.Join(root, "sub/keys/id"), SandboxBypassCorpus.Key, Ct);
            await File.WriteAllTextAsync(Path.Join(root, "victim.txt"), "victim", Ct);
            await File.WriteAllTextAsync(Path.Join(root, "locked/a.txt"), "original", Ct);
            await File.WriteAllTextAsync(Path.Join(root, "README.md"), "# readme", Ct);
            var loaded = PermissionRuleSet.Load(PermissionLayer.Project, allow ?? SandboxBypassCorpus.Allow, [], deny ?? SandboxBypassCorpus.Deny, baseDirectory: root);
            Assert.Empty(loaded.Errors);
            var checker = new PermissionChecker(PermissionPolicy.Create(root, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
                .WithLayer(PermissionLayer.Project, loaded.Rules));
            var status = await BubblewrapSandbox.ConfigureAsync(sandboxed, new SandboxPolicy([root], false, new PermissionSandboxDenials(() => checker.Policy)));
            Assert.True(status.IsActive == sandboxed, status.Description);
            checker.Update(p => p.WithSandboxEnforcement(sandboxed));
            return new Workspace(new ShellToolHarness(new BashToolOptions { Launcher = status.Launcher, Sandboxed = sandboxed }, root), checker, status);
        }

        public PermissionDecision Decide(string command) =>
            Checker.Check("Bash", JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["command"] = command }), Root);

        public Task<ToolResult> RunAsync(string command) => Shells.BashAsync(command, timeoutMs: 60_000);

        public ValueTask DisposeAsync() => Shells.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(ToolResult result) => (result.Output ?? "") + "\n" + (result.Error ?? "");

    private static bool Leaks(string text) =>
        new[] { SandboxBypassCorpus.Secret, SandboxBypassCorpus.Key }.Any(secret =>
            text.Contains(secret, StringComparison.Ordinal) ||
            text.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)), StringComparison.Ordinal));

    /// <summary>Why the probe failed after <paramref name="entry"/> ran, or null when it held.</summary>
    private static async Task<string?> ProbeAsync(Workspace ws, SandboxCorpusEntry entry, ToolResult result)
    {
        switch (entry.Probe)
        {
            case SandboxProbe.VictimKept when !File.Exists(Path.Join(ws.Root, "victim.txt")):
                return "victim.txt was deleted";
            case SandboxProbe.VictimKept when await File.ReadAllTextAsync(Path.Join(ws.Root, "victim.txt"), Ct) != "victim":
                return "victim.txt was changed";
            case SandboxProbe.SecretsNotPrinted when Leaks(Text(result)):
                return "a secret was printed: " + Text(result).Trim();
            case SandboxProbe.LockedUnchanged:
                var content = File.Exists(Path.Join(ws.Root, "locked/a.txt")) ? await File.ReadAllTextAsync(Path.Join(ws.Root, "locked/a.txt"), Ct) : null;
                var entries = Directory.GetFileSystemEntries(Path.Join(ws.Root, "locked")).Select(Path.GetFileName).ToArray();
                return content == "original" && entries is ["a.txt"] ? null : $"locked/ changed: a.txt={content ?? "(gone)"}, entries={string.Join(",", entries)}";
            default:
                return null;
        }
    }

    [Fact]
    public async Task EveryBypassAttempt_RunForReal_LeavesTheProbeIntact()
    {
        Assert.True(SandboxBypassCorpus.Attempts.Length >= 30, $"{SandboxBypassCorpus.Attempts.Length} attempts; at least 30 are required");
        var through = new List<string>();
        foreach (var entry in SandboxBypassCorpus.Attempts)
        {
            await using var ws = await Workspace.CreateAsync();
            var decision = ws.Decide(entry.Command);
            // Run whatever the parser says: the sandbox must hold on its own (a user may approve an ask).
            var result = await ws.RunAsync(entry.Command);
            var failure = await ProbeAsync(ws, entry, result);
            TestContext.Current.TestOutputHelper?.WriteLine($"{(failure is null ? "held" : "BROKEN"),-6} parser={decision.Behavior,-5} {entry}");
            if (failure is not null)
            {
                through.Add($"{entry}: {failure}");
            }
        }
        Assert.True(through.Count == 0, $"{through.Count} of {SandboxBypassCorpus.Attempts.Length} attempts got through:\n" + string.Join('\n', through));
    }

    [Fact]
    public async Task EveryBypassAttempt_WithoutTheSandbox_BreaksItsProbe()
    {
        // The control: each attempt really does what it claims when nothing but the parser stands in its way.
        var harmless = new List<string>();
        foreach (var entry in SandboxBypassCorpus.Attempts)
        {
            await using var ws = await Workspace.CreateAsync(sandboxed: false);
            var result = await ws.RunAsync(entry.Command);
            if (await ProbeAsync(ws, entry, result) is null)
            {
                harmless.Add($"{entry}: {Text(result).Trim()}");
            }
        }
        Assert.True(harmless.Count == 0, $"{harmless.Count} attempts did no harm even unsandboxed:\n" + string.Join('\n', harmless));
    }

    [Fact]
    public async Task EveryLegitimateCommand_IsAllowedByTheRules_AndRunsInTheSandbox()
    {
        Assert.Equal(SandboxBypassCorpus.Attempts.Length, SandboxBypassCorpus.Legitimate.Length);
        var refused = new List<string>();
        foreach (var entry in SandboxBypassCorpus.Legitimate)
        {
            await using var ws = await Workspace.CreateAsync();
            var decision = ws.Decide(entry.Command);
            var result = await ws.RunAsync(entry.Command);
            if (!decision.IsAllowed)
            {
                refused.Add($"{entry}: the rules said {decision.Behavior}: {decision.Reason}");
            }
            else if (!result.Success || !Text(result).Contains(entry.Expected!, StringComparison.Ordinal))
            {
                refused.Add($"{entry}: it did not run as expected: {Text(result).Trim()}");
            }
        }
        Assert.True(refused.Count == 0, $"{refused.Count} of {SandboxBypassCorpus.Legitimate.Length} legitimate commands did not run:\n" + string.Join('\n', refused));
    }

    [Fact]
    public async Task ProgramRuleLimits_WithOnlyTheProgramDenied_StillDeleteTheFile_AsPermissionsSays()
    {
        // Bash(rm *) masks rm, unlink and shred, not the act: the limit /permissions and --verbose state. When one of these
        // starts to hold, the stated limit (SandboxDenyPlan.ProgramRuleLimit) is wrong and must change with it.
        var held = new List<string>();
        foreach (var entry in SandboxBypassCorpus.ProgramRuleLimits)
        {
            await using var ws = await Workspace.CreateAsync();
            var result = await ws.RunAsync(entry.Command);
            if (await ProbeAsync(ws, entry, result) is null)
            {
                held.Add($"{entry}: {Text(result).Trim()}");
            }
        }
        Assert.True(held.Count == 0, $"{held.Count} deletions by other programs were stopped by the program rule alone:\n" + string.Join('\n', held));
    }

    [Fact]
    public async Task EveryDeletionAttempt_WithAnEditDenyOnTheFile_FailsInsideTheSandbox()
    {
        // The protection the limit points to: Edit(./victim.txt) binds the file read-only, so no program can remove,
        // move or empty it, whichever program it is.
        var deletions = SandboxBypassCorpus.ProgramRuleLimits
            .Concat(SandboxBypassCorpus.Attempts.Where(a => a.Probe == SandboxProbe.VictimKept)).ToList();
        Assert.True(deletions.Count >= 30, $"{deletions.Count} deletion attempts");
        var through = new List<string>();
        foreach (var entry in deletions)
        {
            await using var ws = await Workspace.CreateAsync(deny: [.. SandboxBypassCorpus.Deny, "Edit(./victim.txt)"]);
            var result = await ws.RunAsync(entry.Command);
            if (await ProbeAsync(ws, entry, result) is { } failure)
            {
                through.Add($"{entry}: {failure}: {Text(result).Trim()}");
            }
        }
        Assert.True(through.Count == 0, $"{through.Count} of {deletions.Count} deletions got through an Edit deny:\n" + string.Join('\n', through));
    }

    [Fact]
    public async Task RmDenied_MasksUnlinkAndShred_AndTheStatusSaysWhatItDoesNotStop()
    {
        await using var ws = await Workspace.CreateAsync();

        var result = await ws.RunAsync("unlink victim.txt 2>&1 || echo refused unlink; shred -u victim.txt 2>&1 || echo refused shred");

        Assert.True(File.Exists(Path.Join(ws.Root, "victim.txt")));
        Assert.Contains("refused unlink", result.Output, StringComparison.Ordinal);
        Assert.Contains("refused shred", result.Output, StringComparison.Ordinal);
        Assert.Contains("Bash(rm *) (masks rm, unlink, shred)", ws.Status.Description, StringComparison.Ordinal);
        Assert.Contains("stops the program, not the act", ws.Status.Description, StringComparison.Ordinal);
        Assert.Contains("Edit(path) deny rule", ws.Status.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeniedSecret_CannotBeReadByCatPythonOrACopiedBinary()
    {
        await using var ws = await Workspace.CreateAsync();

        var cat = await ws.RunAsync("cat secret.txt");
        var python = await ws.RunAsync("python3 -c \"print(open('secret.txt').read())\"");
        var copied = await ws.RunAsync("cp /bin/cat ./c && ./c secret.txt sub/keys/id");

        Assert.All(new[] { cat, python, copied }, r => Assert.False(Leaks(Text(r)), Text(r)));
        Assert.Contains("Permission denied", cat.Error, StringComparison.Ordinal);
        Assert.Contains("PermissionError", python.Error, StringComparison.Ordinal);
        Assert.Contains("Permission denied", copied.Error, StringComparison.Ordinal);
        Assert.Equal(SandboxBypassCorpus.Secret, await File.ReadAllTextAsync(Path.Join(ws.Root, "secret.txt"), Ct));
    }

    [Fact]
    public async Task DeniedProgram_CannotBeExecutedByAnyPath()
    {
        await using var ws = await Workspace.CreateAsync();

        var result = await ws.RunAsync(
            "for p in rm /bin/rm /usr/bin/rm \"$(command -v rm)\"; do $p victim.txt 2>&1 || echo \"refused $p\"; done; " +
            "ln -s /usr/bin/rm ./link; ./link victim.txt 2>&1 || echo refused link; cp /usr/bin/rm ./copy 2>&1 || echo refused copy");

        Assert.True(File.Exists(Path.Join(ws.Root, "victim.txt")));
        Assert.Equal(6, Text(result).Split('\n').Count(l => l.StartsWith("refused ", StringComparison.Ordinal)));
        Assert.False(File.Exists(Path.Join(ws.Root, "copy")) && new FileInfo(Path.Join(ws.Root, "copy")).Length > 0);
    }

    [Fact]
    public async Task AllowedInterpreter_RunsInlineCode_WithoutAsking()
    {
        await using var ws = await Workspace.CreateAsync();
        const string command = "python3 -c \"print(6*7)\"";

        var decision = ws.Decide(command);
        var result = await ws.RunAsync(command);

        Assert.Equal(PermissionBehavior.Allow, decision.Behavior);
        Assert.True(result.Success, result.Error);
        Assert.Contains("42", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VisibleDeniedCommand_IsStillRefusedAtOnce_NamingTheRule()
    {
        await using var ws = await Workspace.CreateAsync();

        var rm = ws.Decide("rm victim.txt");
        var cat = ws.Decide("cat secret.txt");

        Assert.Equal(PermissionBehavior.Deny, rm.Behavior);
        Assert.Contains("Bash(rm *)", rm.Reason, StringComparison.Ordinal);
        Assert.Equal(PermissionBehavior.Deny, cat.Behavior);
        Assert.Contains("Read(./secret.txt)", cat.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuleAddedDuringTheSession_HoldsFromTheNextCommand()
    {
        await using var ws = await Workspace.CreateAsync();
        var before = await ws.RunAsync("cat README.md");

        ws.Checker.AddSessionRule(PermissionBehavior.Deny, "Read(./README.md)");
        var after = await ws.RunAsync("python3 -c \"print(open('README.md').read())\"");

        Assert.Contains("# readme", before.Output, StringComparison.Ordinal);
        Assert.False(after.Success);
        Assert.DoesNotContain("# readme", Text(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubcommandRule_IsReportedAsParserOnly_AndHiddenCodeStillAsks()
    {
        await using var ws = await Workspace.CreateAsync(deny: ["Bash(git push:*)", "Read(./secret.txt)"]);

        var decision = ws.Decide("python3 -c \"print(1)\"");

        Assert.Contains("checked by the command parser only: Bash(git push:*)", ws.Status.Description, StringComparison.Ordinal);
        Assert.Equal(PermissionBehavior.Ask, decision.Behavior);
    }

    [Fact]
    public async Task ProtectedSettings_AreReadOnlyInside()
    {
        await using var ws = await Workspace.CreateAsync();
        Directory.CreateDirectory(Path.Join(ws.Root, ".forge"));
        await File.WriteAllTextAsync(Path.Join(ws.Root, ".forge/settings.json"), "{}", Ct);

        var result = await ws.RunAsync("python3 -c \"open('.forge/settings.local.json','w').write('{}')\"; echo '{\"x\":1}' > .forge/settings.json");

        Assert.False(File.Exists(Path.Join(ws.Root, ".forge/settings.local.json")));
        Assert.Equal("{}", await File.ReadAllTextAsync(Path.Join(ws.Root, ".forge/settings.json"), Ct));
        Assert.Contains("Read-only file system", Text(result), StringComparison.Ordinal);
    }
}
