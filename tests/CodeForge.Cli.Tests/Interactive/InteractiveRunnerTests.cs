using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Interactive;

/// <summary>The real interactive <c>forge</c> in tmux against the local fake model server, as a user drives it.</summary>
public sealed class InteractiveRunnerTests() : ForgeWorkspaceTestBase("forge-tui-")
{
    [Fact]
    public async Task Session_QuestionPermissionPromptDiffCostResumeInterruptAndExit_WorkAsAUserExpects()
    {
        var ct = TestContext.Current.CancellationToken;
        // An earlier session to resume later.
        _server.Enqueue(ScriptedTurn.Reply("earlier answer"));
        var earlier = await ForgeProcess.RunAsync(["-p", "an earlier question", "--provider", "openai"], Repo, Env());
        Assert.True(earlier.ExitCode == 0, earlier.StdErr);

        var file = Path.Combine(Repo, "greeting.txt");
        await File.WriteAllTextAsync(file, "hello world\n", ct);
        await using var term = await TmuxTerminal.StartAsync(["--provider", "openai", "--allowedTools", "Bash(sleep:*)"], Repo, Env());
        await term.WaitForAsync("CodeForge");
        await term.WaitForAsync("> ");

        // 1. A question, answered with streamed Markdown.
        _server.Enqueue(ScriptedTurn.Reply("The answer is **42**."));
        await term.TypeAsync("what is the answer?");
        await term.PressAsync("Enter");
        await term.WaitForAsync("The answer is 42.");

        // 2. An edit: Read is allowed, Edit asks; the user allows once; the diff is shown.
        _server.Enqueue(
            ScriptedTurn.CallTool("Read", $$"""{"file_path":"{{file}}"}"""),
            ScriptedTurn.CallTool("Edit", $$"""{"file_path":"{{file}}","old_string":"hello","new_string":"goodbye"}"""),
            ScriptedTurn.Reply("Edited the greeting."));
        await term.TypeAsync("change hello to goodbye");
        await term.PressAsync("Enter");
        var prompt = await term.WaitForAsync("Do you want to proceed?");
        // The prompt shows the change before it is made.
        Assert.Contains("+goodbye world", prompt, StringComparison.Ordinal);
        Assert.Equal("hello world\n", await File.ReadAllTextAsync(file, ct));
        await term.TypeAsync("1");
        var screen = await term.WaitForAsync("Edited the greeting.");
        Assert.Contains("-hello world", screen, StringComparison.Ordinal);
        Assert.Contains("+goodbye world", screen, StringComparison.Ordinal);
        Assert.Equal("goodbye world\n", await File.ReadAllTextAsync(file, ct));

        // 3. /cost.
        await term.TypeAsync("/cost");
        await term.PressAsync("Enter");
        await term.WaitForAsync("Output tokens:");
        // The time at the Edit prompt is the user's, shown apart from the model calls' time.
        await term.WaitForAsync("Waiting on you:");

        // 4. An unknown command gets a suggestion.
        await term.TypeAsync("/cots");
        await term.PressAsync("Enter");
        await term.WaitForAsync("Did you mean /cost");

        // 5. /resume lists the earlier session and switches to it; the next request carries its conversation.
        await term.TypeAsync("/resume");
        await term.PressAsync("Enter");
        await term.WaitForAsync("an earlier question");
        await term.TypeAsync("/resume 1");
        await term.PressAsync("Enter");
        await term.WaitForAsync("Resumed session");
        _server.Enqueue(ScriptedTurn.Reply("continuing"));
        await term.TypeAsync("and now?");
        await term.PressAsync("Enter");
        await term.WaitForAsync("continuing");
        Assert.Contains("an earlier question", _server.Requests[^1].Body, StringComparison.Ordinal);
        Assert.Contains("earlier answer", _server.Requests[^1].Body, StringComparison.Ordinal);

        // 6. Esc in the middle of a turn (a long Bash command) interrupts it; the session goes on.
        _server.Enqueue(ScriptedTurn.CallTool("Bash", """{"command":"sleep 120"}"""), ScriptedTurn.Reply("never shown"));
        await term.TypeAsync("wait a while");
        await term.PressAsync("Enter");
        await term.WaitForAsync("Running Bash(sleep 120)");
        await term.PressAsync("Escape");
        await term.WaitForAsync("Interrupted");
        // The status line is drawn before each prompt: the ninth means the prompt is back after the interrupt.
        await term.WaitForAsync(" · default · ", occurrences: 9);

        // 7. Ctrl-C twice on an empty prompt exits cleanly.
        await term.PressAsync("C-c");
        await term.WaitForAsync("Press Ctrl-C again to exit");
        await term.PressAsync("C-c");
        Assert.Equal(0, await term.WaitForExitAsync());
        await term.WaitForAsync("forge -r");
    }

    [Fact]
    public async Task Session_PaintsTheWelcomeAndPromptBeforeTheRuntimeIsBuilt_AndRunsInputTypedMeanwhileOnceItIs()
    {
        var ct = TestContext.Current.CancellationToken;
        // A SessionStart hook that waits on a FIFO holds the runtime's build (hooks start as its last step) until the
        // test writes to it.
        var fifo = Path.Combine(_root.FullName, "gate");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(ct);
            Assert.Equal(0, mkfifo.ExitCode);
        }
        var settings = Path.Combine(Home, ".forge", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        await File.WriteAllTextAsync(settings, $$$"""{"hooks": {"SessionStart": [{"hooks": [{"type": "command", "command": "cat '{{{fifo}}}' > /dev/null"}]}]}}""", ct);
        _server.Enqueue(ScriptedTurn.Reply("typed early, answered late"));
        await using var term = await TmuxTerminal.StartAsync(["--provider", "openai"], Repo, Env());

        await term.WaitForAsync("CodeForge");
        await term.WaitForAsync("> ");
        await term.TypeAsync("a question typed before forge is ready");
        await term.PressAsync("Enter");
        // The runtime cannot be complete: the hook still waits on the FIFO, so no model request can have been made.
        Assert.Empty(_server.Requests);
        // Opening the fifo blocks until the hook opens it: a watchdog, so a hook that never ran fails the test instead of hanging it.
        await Task.Run(() => File.WriteAllText(fifo, "go\n"), ct).WaitAsync(TimeSpan.FromMinutes(5), ct);

        await term.WaitForAsync("typed early, answered late");
        Assert.Contains("a question typed before forge is ready", _server.Requests[^1].Body, StringComparison.Ordinal);
        await term.TypeAsync("/exit");
        await term.PressAsync("Enter");
        Assert.Equal(0, await term.WaitForExitAsync());
    }

    [Fact]
    public async Task Session_WhenTheSettingsDenyWriteDuringATurn_ShowsANoticeAndDeniesTheNextWrite()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = Path.Combine(Repo, ".forge", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        await File.WriteAllTextAsync(settings, """{"permissions": {"allow": ["Write"]}}""", ct);
        var (first, second) = (Path.Combine(Repo, "first.txt"), Path.Combine(Repo, "second.txt"));
        var edited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(
            ScriptedTurn.CallTool("Write", $$"""{"file_path":"{{first}}","content":"one"}"""),
            ScriptedTurn.CallTool("Write", $$"""{"file_path":"{{second}}","content":"two"}""") with { HoldUntil = edited.Task },
            ScriptedTurn.Reply("done writing"));
        await using var term = await TmuxTerminal.StartAsync(["--provider", "openai", "--trust-workspace"], Repo, Env());
        await term.WaitForAsync("> ");

        await term.TypeAsync("write two files");
        await term.PressAsync("Enter");
        // The second model call is sent once the first Write has finished; the server holds it.
        await _server.WaitForRequestsAsync(2, ct);
        await File.WriteAllTextAsync(settings, """{"permissions": {"deny": ["Write"]}}""", ct);
        await term.WaitForAsync("Settings changed: permissions");
        edited.SetResult();
        var screen = await term.WaitForAsync("done writing");

        Assert.Contains("Denied:", screen, StringComparison.Ordinal);
        Assert.Equal("one", await File.ReadAllTextAsync(first, ct));
        Assert.False(File.Exists(second), "the second Write ran although the settings denied it");
    }

    [Fact]
    public async Task Session_WriteAndMultiEditPermissionPrompts_ShowTheChangeAsAColouredDiffBeforeItIsMade()
    {
        var ct = TestContext.Current.CancellationToken;
        var notes = Path.Combine(Repo, "notes.txt");
        var greeting = Path.Combine(Repo, "greeting.txt");
        await File.WriteAllTextAsync(greeting, "hello world\nsecond line\n", ct);
        // Read is allowed without asking (and MultiEdit needs the file read first); Write and MultiEdit ask.
        _server.Enqueue(
            ScriptedTurn.CallTool("Read", $$"""{"file_path":"{{greeting}}"}"""),
            ScriptedTurn.CallTool("Write", $$"""{"file_path":"{{notes}}","content":"first note\n"}"""),
            ScriptedTurn.CallTool("MultiEdit", $$"""{"file_path":"{{greeting}}","edits":[{"old_string":"hello","new_string":"goodbye"},{"old_string":"second","new_string":"last"}]}"""),
            ScriptedTurn.Reply("Both files changed."));
        await using var term = await TmuxTerminal.StartAsync(["--provider", "openai"], Repo, Env());
        await term.WaitForAsync("> ");

        await term.TypeAsync("write notes and edit the greeting");
        await term.PressAsync("Enter");
        await term.WaitForAsync("Do you want to proceed?");
        var write = await term.CaptureWithColoursAsync();
        Assert.False(File.Exists(notes), "Write ran before the user answered");
        Assert.Matches(Green + @"\+first note", write);
        await term.TypeAsync("1");

        await term.WaitForAsync("Do you want to proceed?", occurrences: 2);
        var multiEdit = await term.CaptureWithColoursAsync();
        Assert.Equal("hello world\nsecond line\n", await File.ReadAllTextAsync(greeting, ct));
        Assert.Matches(Red + @"-hello world", multiEdit);
        Assert.Matches(Green + @"\+goodbye world", multiEdit);
        Assert.Matches(Red + @"-second line", multiEdit);
        Assert.Matches(Green + @"\+last line", multiEdit);
        await term.TypeAsync("1");

        var screen = await term.WaitForAsync("Both files changed.");
        Assert.DoesNotContain("Error", screen, StringComparison.Ordinal);
        Assert.Equal("first note\n", await File.ReadAllTextAsync(notes, ct));
        Assert.Equal("goodbye world\nlast line\n", await File.ReadAllTextAsync(greeting, ct));
    }

    /// <summary>An SGR sequence that sets the foreground to green (basic, 256-colour or true colour), then anything but text.</summary>
    private const string Green = @"\u001b\[(?:[0-9;]*;)?(?:32|92|38;5;2|38;5;10|38;2;0;128;0)m(?:\u001b\[[0-9;]*m)*";

    private const string Red = @"\u001b\[(?:[0-9;]*;)?(?:31|91|38;5;1|38;5;9|38;2;128;0;0)m(?:\u001b\[[0-9;]*m)*";

    [Fact]
    public async Task Session_WhenTheConversationOutgrowsTheWindow_ShowsTheAutomaticCompactionWithTokensBeforeAndAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        // As AgentSetupTests' print-mode test: a 20,000-token window compacting at 45 %; the third model call finds the
        // request over the threshold and compacts first.
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"),
            """{ "env": { "FORGE_CONTEXT_WINDOW": "20000", "FORGE_AUTOCOMPACT_PCT": "45" } }""", ct);
        var fileA = Path.Combine(Repo, "a.txt");
        var fileB = Path.Combine(Repo, "b.txt");
        await File.WriteAllTextAsync(fileA, string.Concat(Enumerable.Range(0, 1500).Select(i => $"alpha line {i} of the first big file\n")), ct);
        await File.WriteAllTextAsync(fileB, string.Concat(Enumerable.Range(0, 1500).Select(i => $"bravo line {i} of the second big file\n")), ct);
        _server.Enqueue(
            ScriptedTurn.CallTool("Read", $$"""{"file_path":"{{fileA}}"}""", "call_a"),
            ScriptedTurn.CallTool("Read", $$"""{"file_path":"{{fileB}}"}""", "call_b"),
            ScriptedTurn.Reply("SUMMARY-7F3: read a.txt and b.txt"),
            ScriptedTurn.Reply("Both files are about lines."));
        await using var term = await TmuxTerminal.StartAsync(["--provider", "openai", "--model", "gpt-4o", "--trust-workspace"], Repo, Env());
        await term.WaitForAsync("> ");

        await term.TypeAsync("compare a.txt and b.txt");
        await term.PressAsync("Enter");
        var screen = await term.WaitForAsync("Both files are about lines.");

        var notice = System.Text.RegularExpressions.Regex.Match(screen, @"Context was near full: compacted \d+ messages into a summary: ([0-9,]+) → ([0-9,]+) tokens");
        Assert.True(notice.Success, screen);
        var before = int.Parse(notice.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
        var after = int.Parse(notice.Groups[2].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(before >= 9_000 && after < before, $"{before} → {after}");
    }

    [Fact]
    public async Task Session_OnADumbTerminalWithNoColorInEightyColumns_WorksWithPlainLines()
    {
        _server.Enqueue(ScriptedTurn.Reply("plain answer"));
        await using var term = await TmuxTerminal.StartAsync(["--provider", "openai"], Repo, Env(("NO_COLOR", "1")), width: 80, term: "dumb");
        await term.WaitForAsync("CodeForge");
        await term.TypeAsync("hi there");
        await term.PressAsync("Enter");
        var screen = await term.WaitForAsync("plain answer");
        Assert.DoesNotContain("\u001b[", screen, StringComparison.Ordinal);
        await term.TypeAsync("/exit");
        await term.PressAsync("Enter");
        Assert.Equal(0, await term.WaitForExitAsync());
    }
}
