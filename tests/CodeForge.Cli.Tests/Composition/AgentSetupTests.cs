using System.Diagnostics;
using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Composition;

/// <summary>
/// The real <c>forge -p</c> process with the context budget (compaction), the git context and the Task tool wired by
/// <c>AgentSetup</c>, against the local fake model server.
/// </summary>
public sealed class AgentSetupTests() : ForgeWorkspaceTestBase("forge-agentsetup-", ForgeRepository.PlainFolder)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<JsonElement> Lines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    private static string Args(params (string Key, string Value)[] args) =>
        JsonSerializer.Serialize(args.ToDictionary(a => a.Key, a => a.Value));

    private async Task GitAsync(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-c", "user.name=Test", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", .. args])
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        var err = await p.StandardError.ReadToEndAsync(Ct);
        await p.WaitForExitAsync(Ct);
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)} failed (git is required: apt-get install git): {err}");
    }

    [Fact]
    public async Task Print_WhenTheConversationOutgrowsTheWindow_CompactsAndTheTranscriptKeepsEverything()
    {
        // A 20,000-token window (set in the project's settings env) compacting at 45 % (9,000 tokens): each Read of a big file adds about
        // 4,500 tokens (90 % of the tool-result cap, a quarter of the window), so only the third model call finds the request
        // over the threshold and compacts first.
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"),
            """{ "env": { "FORGE_CONTEXT_WINDOW": "20000", "FORGE_AUTOCOMPACT_PCT": "45" } }""", Ct);
        var fileA = Path.Combine(Repo, "a.txt");
        var fileB = Path.Combine(Repo, "b.txt");
        await File.WriteAllTextAsync(fileA, string.Concat(Enumerable.Range(0, 1500).Select(i => $"alpha line {i} of the first big file\n")), Ct);
        await File.WriteAllTextAsync(fileB, string.Concat(Enumerable.Range(0, 1500).Select(i => $"bravo line {i} of the second big file\n")), Ct);
        _server.Enqueue(
            ScriptedTurn.CallTool("Read", Args(("file_path", fileA)), "call_a"),
            ScriptedTurn.CallTool("Read", Args(("file_path", fileB)), "call_b"),
            ScriptedTurn.Reply("SUMMARY-7F3: read a.txt and b.txt"),
            ScriptedTurn.Reply("Both files are about lines."));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "compare a.txt and b.txt", "--output-format", "stream-json", "--provider", "openai", "--model", "gpt-4o"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var lines = Lines(run.StdOut);
        var boundary = Assert.Single(lines, l => l.GetProperty("type").GetString() == "system" && l.GetProperty("subtype").GetString() == "compact_boundary");
        Assert.Equal("auto", boundary.GetProperty("compact_metadata").GetProperty("trigger").GetString());
        Assert.True(boundary.GetProperty("compact_metadata").GetProperty("pre_tokens").GetInt32() >= 9_000);
        Assert.Equal("Both files are about lines.", lines[^1].GetProperty("result").GetString());

        Assert.Equal(4, _server.Requests.Count);
        Assert.Contains("output truncated", _server.Requests[1].Body, StringComparison.Ordinal);   // the 5,000-token cap
        Assert.Contains("alpha line 0", _server.Requests[2].Body, StringComparison.Ordinal);        // the summarizer sees the old part
        var after = _server.Requests[3].Body;
        Assert.Contains("SUMMARY-7F3", after, StringComparison.Ordinal);
        Assert.Contains("compare a.txt and b.txt", after, StringComparison.Ordinal);                // the request, verbatim
        Assert.DoesNotContain("alpha line 10 ", after, StringComparison.Ordinal);

        var sessionId = lines[^1].GetProperty("session_id").GetString()!;
        var transcript = Directory.GetFiles(Path.Combine(Home, ".forge", "projects"), $"{sessionId}.jsonl", SearchOption.AllDirectories).Single();
        var entries = (await File.ReadAllLinesAsync(transcript, Ct)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var marker = Assert.Single(entries, e => e.TryGetProperty("subtype", out var s) && s.GetString() == "compact_boundary");
        Assert.Contains("SUMMARY-7F3", marker.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var text = await File.ReadAllTextAsync(transcript, Ct);
        Assert.Contains("alpha line 10 ", text, StringComparison.Ordinal);   // nothing lost on disk
        Assert.Contains("compare a.txt and b.txt", text, StringComparison.Ordinal);
        var saved = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(transcript)!, sessionId, "tool-results"));
        Assert.Equal(2, saved.Length);

        // A resumed session starts from the summary.
        _server.Enqueue(ScriptedTurn.Reply("resumed"));
        var resumed = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "and now?", "--resume", sessionId, "--provider", "openai", "--model", "gpt-4o"], Repo, Env());
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        var body = _server.Requests[4].Body;
        Assert.Contains("SUMMARY-7F3", body, StringComparison.Ordinal);
        Assert.Contains("and now?", body, StringComparison.Ordinal);
        Assert.DoesNotContain("alpha line 10 ", body, StringComparison.Ordinal);
    }

    private static JsonElement LastOf(JsonElement array) => array[array.GetArrayLength() - 1];

    /// <summary>Whether an Anthropic request marks the end of its system prompt and its newest message as cache breakpoints.</summary>
    private static bool HasCacheBreakpoints(RecordedRequest request) =>
        LastOf(request.Json.GetProperty("system")).TryGetProperty("cache_control", out _)
        && LastOf(LastOf(request.Json.GetProperty("messages")).GetProperty("content")).TryGetProperty("cache_control", out _);

    private static string? CacheKey(RecordedRequest request) =>
        request.Json.TryGetProperty("prompt_cache_key", out var key) ? key.GetString() : null;

    [Theory]
    [InlineData("openai", "gpt-4o")]
    [InlineData("anthropic", "gpt-4o")]
    public async Task Print_WhenItCompacts_TheSummaryRequestAndTheNextOneKeepPromptCaching(string provider, string model)
    {
        // The compaction scenario above: the third model call compacts first. The Anthropic wire protocol carries the
        // model name gpt-4o here so that forge counts tokens exactly as above (a Claude model's are estimated).
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"),
            """{ "env": { "FORGE_CONTEXT_WINDOW": "20000", "FORGE_AUTOCOMPACT_PCT": "45" } }""", Ct);
        var fileA = Path.Combine(Repo, "a.txt");
        var fileB = Path.Combine(Repo, "b.txt");
        await File.WriteAllTextAsync(fileA, string.Concat(Enumerable.Range(0, 1500).Select(i => $"alpha line {i} of the first big file\n")), Ct);
        await File.WriteAllTextAsync(fileB, string.Concat(Enumerable.Range(0, 1500).Select(i => $"bravo line {i} of the second big file\n")), Ct);
        _server.Enqueue(
            ScriptedTurn.CallTool("Read", Args(("file_path", fileA)), "call_a"),
            ScriptedTurn.CallTool("Read", Args(("file_path", fileB)), "call_b"),
            ScriptedTurn.Reply("SUMMARY-7F3: read a.txt and b.txt"),
            ScriptedTurn.Reply("Both files are about lines."));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "compare a.txt and b.txt", "--output-format", "json", "--provider", provider, "--model", model], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(4, _server.Requests.Count);
        var summary = _server.Requests[2];
        Assert.Contains("alpha line 0", summary.Body, StringComparison.Ordinal); // the summarizer's request
        var sessionId = JsonDocument.Parse(run.StdOut).RootElement.GetProperty("session_id").GetString();
        foreach (var request in _server.Requests)
        {
            if (provider == "openai")
            {
                Assert.Equal(sessionId, CacheKey(request));
            }
            else
            {
                Assert.True(HasCacheBreakpoints(request), request.Body);
            }
        }
    }

    [Theory]
    [InlineData("openai", "gpt-4o")]
    [InlineData("anthropic", "claude-sonnet-4-6")]
    public async Task Print_WithATaskCall_TheSubagentsRequestsCacheTheirOwnPrefix(string provider, string model)
    {
        _server.Enqueue(
            ScriptedTurn.CallTool("Task", Args(("description", "find loader"), ("prompt", "Where is the config loader?"), ("subagent_type", "Explore")), "call_t"),
            ScriptedTurn.Reply("SUBAGENT-ANSWER: src/config/loader.cs"),
            ScriptedTurn.Reply("The loader is in src/config/loader.cs."));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "where is the config loader?", "--output-format", "json", "--provider", provider, "--model", model], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(3, _server.Requests.Count);
        var child = _server.Requests[1];
        Assert.Contains("Where is the config loader?", child.Body, StringComparison.Ordinal);
        var sessionId = JsonDocument.Parse(run.StdOut).RootElement.GetProperty("session_id").GetString();
        if (provider == "openai")
        {
            Assert.Equal([sessionId, sessionId + "/subagents", sessionId], _server.Requests.Select(CacheKey));
        }
        else
        {
            Assert.All(_server.Requests, r => Assert.True(HasCacheBreakpoints(r), r.Body));
            Assert.True(LastOf(child.Json.GetProperty("tools")).TryGetProperty("cache_control", out _), "the subagent's tools breakpoint");
        }
    }

    [Fact]
    public async Task Print_WithATaskCall_RunsTheSubagentAndSendsItsAnswerToTheParent()
    {
        _server.Enqueue(
            ScriptedTurn.CallTool("Task", Args(("description", "find loader"), ("prompt", "Where is the config loader?"), ("subagent_type", "Explore")), "call_t"),
            ScriptedTurn.Reply("SUBAGENT-ANSWER: src/config/loader.cs"),
            ScriptedTurn.Reply("The loader is in src/config/loader.cs."));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "where is the config loader?", "--output-format", "json", "--provider", "openai", "--model", "gpt-4o"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var result = JsonDocument.Parse(run.StdOut).RootElement;
        Assert.Equal("The loader is in src/config/loader.cs.", result.GetProperty("result").GetString());
        Assert.Equal(3, _server.Requests.Count);
        var parentTools = ToolNames(_server.Requests[0]);
        Assert.Contains("Task", parentTools);
        Assert.Contains("Write", parentTools);
        var child = _server.Requests[1];
        Assert.Equal(["Bash", "Glob", "Grep", "Read", "WebFetch", "WebSearch"], ToolNames(child).Order(StringComparer.Ordinal));
        Assert.Contains("READ-ONLY mode", child.Body, StringComparison.Ordinal);
        Assert.Contains("Where is the config loader?", child.Body, StringComparison.Ordinal);
        Assert.Contains("SUBAGENT-ANSWER: src/config/loader.cs", _server.Requests[2].Body, StringComparison.Ordinal);
        Assert.Equal(30, result.GetProperty("usage").GetProperty("input_tokens").GetInt32());   // the child's call counts too
    }

    [Fact]
    public async Task Print_OffersUserDefinedAgentsAndReportsABrokenAgentFile()
    {
        var agents = Path.Combine(Repo, ".claude", "agents");
        Directory.CreateDirectory(agents);
        await File.WriteAllTextAsync(Path.Combine(agents, "reviewer.md"), "---\nname: reviewer\ndescription: REVIEWS-CODE-CAREFULLY\ntools: Read\n---\nYou review.", Ct);
        await File.WriteAllTextAsync(Path.Combine(agents, "broken.md"), "---\nname: broken\n---\nno description", Ct);
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "hi", "--provider", "openai", "--model", "gpt-4o"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("broken.md:1: missing 'description'", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("REVIEWS-CODE-CAREFULLY", _server.Requests[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_InAGitRepository_PutsBranchStatusAndRecentCommitsInTheSystemPrompt()
    {
        await GitAsync("init", "-q", "-b", "main");
        await File.WriteAllTextAsync(Path.Combine(Repo, "tracked.txt"), "x", Ct);
        await GitAsync("add", "tracked.txt");
        await GitAsync("commit", "-q", "-m", "COMMIT-SUBJECT-42");
        await File.WriteAllTextAsync(Path.Combine(Repo, "untracked.txt"), "y", Ct);
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "hi", "--provider", "openai", "--model", "gpt-4o"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var system = SystemPrompt(_server.Requests[0]);
        Assert.Contains("Current branch: main", system, StringComparison.Ordinal);
        Assert.Contains("?? untracked.txt", system, StringComparison.Ordinal);
        Assert.Contains("COMMIT-SUBJECT-42", system, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_WithABadContextWindowSetting_SaysSoAndStillRuns()
    {
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "hi", "--provider", "openai", "--model", "gpt-4o"], Repo, Env(("FORGE_CONTEXT_WINDOW", "lots")));

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("FORGE_CONTEXT_WINDOW='lots' is not a token count", run.StdErr, StringComparison.Ordinal);
        Assert.Equal("ok", run.StdOut.Trim());
    }

    private static List<string> ToolNames(RecordedRequest request) =>
        [.. request.Json.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)];

    private static string SystemPrompt(RecordedRequest request) =>
        request.Json.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() is "system" or "developer")
            .GetProperty("content").ToString();
}
