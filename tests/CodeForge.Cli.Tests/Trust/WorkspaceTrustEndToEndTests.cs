using System.Text.Json;
using CodeForge.Cli.Tests.Interactive;
using CodeForge.Core.Trust;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Trust;

/// <summary>
/// The real <c>forge</c> (headless, and interactive in tmux) in a hostile repository whose hooks of every event, stdio MCP
/// server, enabled plugin, pre-approved Bash and environment each touch a marker: nothing runs until the folder is trusted.
/// </summary>
public sealed class WorkspaceTrustEndToEndTests() : ForgeWorkspaceTestBase("forge-trust-e2e-", ForgeRepository.None)
{
    private HostileRepository _repo = null!;

    /// <summary>Lays out the hostile repository (its home is <see cref="ForgeWorkspaceTestBase.Home"/>) and starts the server.</summary>
    public override async ValueTask InitializeAsync()
    {
        _repo = new HostileRepository(_root.FullName);
        await base.InitializeAsync();
    }

    /// <summary>A turn that runs Bash (pre-approved only by the repository, and reading its environment), then answers. Bash
    /// runs in the sandbox, so its marker is written in the repository (<see cref="BashRan"/>).</summary>
    private void ScriptBashTurn(string answer) => _server.Enqueue(
        ScriptedTurn.CallTool("Bash", "{\"command\":" + JsonSerializer.Serialize($"touch {Path.Combine(_repo.Repo, "bash-env-")}${{EVIL_FLAG:-none}}") + "}"),
        ScriptedTurn.Reply(answer));

    /// <summary>The Bash markers in the repository: <c>bash-env-1</c> when Bash ran with the repository's environment.</summary>
    private string[] BashRan() => [.. Directory.GetFiles(_repo.Repo, "bash-env-*").Select(Path.GetFileName).OfType<string>()];

    private static readonly string[] RanWhenTrusted =
    [
        "hook-PostToolUse", "hook-PreToolUse", "hook-SessionEnd", "hook-SessionStart", "hook-Stop", "hook-UserPromptSubmit", "mcp",
        "plugin-SessionStart",
    ];

    [Fact]
    public async Task Print_InAnUntrustedFolder_RunsNothingOfItsOwnAndSaysWhatItSkippedOnStderrAndInInit()
    {
        ScriptBashTurn("finished");

        var run = await ForgeProcess.RunAsync(["-p", "go", "--provider", "openai", "--output-format", "stream-json"], _repo.Repo, Env());

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(_repo.Touched());
        Assert.Empty(BashRan());
        var line = Assert.Single(run.StdErr.Split('\n'), l => l.Contains("is not trusted", StringComparison.Ordinal));
        Assert.Contains("9 hooks", line, StringComparison.Ordinal);
        Assert.Contains("1 MCP server", line, StringComparison.Ordinal);
        Assert.Contains("forge trust add", line, StringComparison.Ordinal);
        Assert.Contains("--trust-workspace", line, StringComparison.Ordinal);
        using var init = JsonDocument.Parse(run.StdOut.Split('\n')[0]);
        var trust = init.RootElement.GetProperty("workspace_trust");
        Assert.False(trust.GetProperty("trusted").GetBoolean());
        var skipped = trust.GetProperty("skipped").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(skipped, s => s.StartsWith("hook: SessionStart: touch ", StringComparison.Ordinal));
        Assert.Contains(skipped, s => s.StartsWith("MCP server: evilserver: sh -c touch ", StringComparison.Ordinal));
        Assert.Contains(skipped, s => s.StartsWith("pre-approved: Bash", StringComparison.Ordinal));
        Assert.Contains(skipped, s => s.StartsWith("plugin: evilplugin@local", StringComparison.Ordinal));
        Assert.Contains(skipped, s => s.StartsWith("environment: EVIL_FLAG=1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Print_WithTrustWorkspace_RunsTheFoldersHooksServerPluginAndApprovals()
    {
        ScriptBashTurn("finished");

        var run = await ForgeProcess.RunAsync(["-p", "go", "--provider", "openai", "--trust-workspace"], _repo.Repo, Env());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(RanWhenTrusted, _repo.Touched());
        Assert.Equal(["bash-env-1"], BashRan());
        Assert.DoesNotContain("is not trusted", run.StdErr, StringComparison.Ordinal);
        Assert.Empty(TrustStore.ForUser(_repo.Home).List()); // the flag is for one run: nothing is remembered
    }

    [Fact]
    public async Task Print_AfterForgeTrustAdd_RunsThemAndAfterAHookIsAddedRunsNoneUntilTrustedAgain()
    {
        var added = await ForgeProcess.RunAsync(["trust", "add"], _repo.Repo, Env());
        Assert.Equal(0, added.ExitCode);
        ScriptBashTurn("first");
        var trusted = await ForgeProcess.RunAsync(["-p", "go", "--provider", "openai"], _repo.Repo, Env());
        Assert.Equal(RanWhenTrusted, _repo.Touched());
        Assert.Equal(["bash-env-1"], BashRan());
        foreach (var marker in _repo.Touched())
        {
            File.Delete(_repo.Mark(marker));
        }
        File.Delete(Path.Combine(_repo.Repo, "bash-env-1"));

        _repo.AddHook("SessionStart", "added-hook");
        ScriptBashTurn("second");
        var changed = await ForgeProcess.RunAsync(["-p", "go", "--provider", "openai"], _repo.Repo, Env());

        Assert.Equal(0, trusted.ExitCode);
        Assert.Equal(0, changed.ExitCode);
        Assert.Empty(_repo.Touched());
        Assert.Empty(BashRan());
        Assert.Contains("changed since you trusted it (1 new item(s))", changed.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interactive_InAnUntrustedFolder_ListsEverythingBeforeRunningAnythingAndDontTrustRunsNone()
    {
        _server.Enqueue(ScriptedTurn.Reply("all quiet"));
        await using var term = await TmuxTerminal.StartAsync(["--provider", "openai"], _repo.Repo, Env(), width: 200);

        await term.WaitForAsync("Do you trust the files in this folder?");
        // The choices are drawn after the list: the screen that shows them shows the whole list (the first one may not).
        var screen = await term.WaitForAsync("2. No, don't trust it");
        foreach (var e in HostileRepository.Events)
        {
            Assert.Contains($"{e}: touch {_repo.Mark("hook-" + e)}", screen, StringComparison.Ordinal);
        }
        Assert.Contains($"evilserver: sh -c touch {_repo.Mark("mcp")}; exit 1", screen, StringComparison.Ordinal);
        Assert.Contains("evilplugin@local", screen, StringComparison.Ordinal);
        Assert.Contains("Pre-approved permissions", screen, StringComparison.Ordinal);
        Assert.Contains("EVIL_FLAG=1", screen, StringComparison.Ordinal);
        Assert.Empty(_repo.Touched());

        await term.TypeAsync("2");
        await term.WaitForAsync("> ");
        await term.TypeAsync("hello");
        await term.PressAsync("Enter");
        await term.WaitForAsync("all quiet");
        await term.TypeAsync("/exit");
        await term.PressAsync("Enter");

        Assert.Equal(0, await term.WaitForExitAsync());
        Assert.Empty(_repo.Touched());
        Assert.Empty(TrustStore.ForUser(_repo.Home).List());
    }

    [Fact]
    public async Task Interactive_WhenTheUserTrustsTheFolder_RunsItsCommandsAndRemembersIt()
    {
        ScriptBashTurn("bash done");
        await using var term = await TmuxTerminal.StartAsync(["--provider", "openai"], _repo.Repo, Env(), width: 200);
        await term.WaitForAsync("1. Yes, I trust this folder");
        Assert.Empty(_repo.Touched());

        await term.TypeAsync("1");
        await term.WaitForAsync("> ");
        await term.TypeAsync("run it");
        await term.PressAsync("Enter");
        await term.WaitForAsync("bash done");
        await term.WaitForAsync("MCP server \"evilserver\" failed"); // its command ran in the background
        await term.TypeAsync("/exit");
        await term.PressAsync("Enter");

        Assert.Equal(0, await term.WaitForExitAsync());
        Assert.Equal(RanWhenTrusted, _repo.Touched());
        Assert.Equal(["bash-env-1"], BashRan());
        Assert.Equal(_repo.Repo, Assert.Single(TrustStore.ForUser(_repo.Home).List()).Folder);
    }

    [Fact]
    public async Task Interactive_WhenAHookWasAddedAfterTrust_AsksAgainShowingTheAddition()
    {
        Assert.Equal(0, (await ForgeProcess.RunAsync(["trust", "add"], _repo.Repo, Env())).ExitCode);
        _repo.AddHook("Stop", "added-hook");
        await using var term = await TmuxTerminal.StartAsync(["--provider", "openai"], _repo.Repo, Env(), width: 200);

        var screen = await term.WaitForAsync("This folder changed since you trusted it");
        await term.WaitForAsync("2. No, don't trust it");
        screen = await term.CaptureAsync();
        Assert.Contains($"+ Stop: touch {_repo.Mark("added-hook")}", screen, StringComparison.Ordinal);
        Assert.DoesNotContain($"+ SessionStart: touch {_repo.Mark("hook-SessionStart")}", screen, StringComparison.Ordinal);
        Assert.Empty(_repo.Touched());

        await term.TypeAsync("2");
        await term.WaitForAsync("> ");
        await term.TypeAsync("/exit");
        await term.PressAsync("Enter");
        Assert.Equal(0, await term.WaitForExitAsync());
        Assert.Empty(_repo.Touched());
    }
}
