using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Headless;

/// <summary>The real <c>forge -p</c> process against the local fake model server (real OpenAI and Anthropic wire protocols).</summary>
public sealed class HeadlessRunnerTests() : ForgeWorkspaceTestBase("forge-headless-")
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await File.WriteAllTextAsync(Path.Combine(Repo, "AGENTS.md"), "Always answer in haiku.", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Print_StreamJson_WithABrokenSettingsFileAndAShakyPlugin_ReportsThemInTheInitEventWithSeverityFileAndLine()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = Path.Combine(Repo, ".forge", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        await File.WriteAllTextAsync(settings, "{\n  \"permissions\": {\"defaultMode\": \"sometimes\"}\n}", ct);
        var plugin = Path.Combine(_root.FullName, "shaky");
        Directory.CreateDirectory(Path.Combine(plugin, ".claude-plugin"));
        Directory.CreateDirectory(Path.Combine(plugin, "hooks"));
        await File.WriteAllTextAsync(Path.Combine(plugin, ".claude-plugin", "plugin.json"), """{"name": "shaky"}""", ct);
        await File.WriteAllTextAsync(Path.Combine(plugin, "hooks", "hooks.json"), "{\n  \"hooks\": {\n    \"Whenever\": []\n  }\n}", ct);
        _server.Enqueue(ScriptedTurn.Reply("fine"));

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--output-format", "stream-json", "--provider", "openai", "--trust-workspace", "--plugin-dir", plugin], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var init = JsonDocument.Parse(run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]).RootElement;
        Assert.Equal("init", init.GetProperty("subtype").GetString());
        var settingsProblem = Assert.Single(init.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("message").GetString()!.Contains("defaultMode", StringComparison.Ordinal));
        Assert.Equal("error", settingsProblem.GetProperty("severity").GetString());
        Assert.Equal(settings, settingsProblem.GetProperty("file").GetString());
        Assert.Equal(2, settingsProblem.GetProperty("line").GetInt32());
        var pluginProblem = Assert.Single(init.GetProperty("plugin_problems").EnumerateArray());
        Assert.Equal("warning", pluginProblem.GetProperty("severity").GetString());
        Assert.Equal(Path.Combine(plugin, "hooks", "hooks.json"), pluginProblem.GetProperty("file").GetString());
        Assert.Equal(3, pluginProblem.GetProperty("line").GetInt32());
        Assert.Contains("unknown hook event \"Whenever\"", pluginProblem.GetProperty("message").GetString(), StringComparison.Ordinal);
        // The text rendering on stderr is kept.
        Assert.Contains($"forge: {settings}:2: error: permissions.defaultMode", run.StdErr, StringComparison.Ordinal);
    }

    // Anthropic goes through the built-in Messages client in every build (native, ReadyToRun, JIT).
    [Theory]
    [InlineData("openai", "gpt-4o")]
    [InlineData("anthropic", "sonnet")]
    [InlineData("openai-compatible", "qwen2.5-coder")]
    public async Task Print_StreamJson_EmitsInitAssistantAndResultAndSendsTheMemoryFiles(string provider, string model)
    {
        _server.Enqueue(ScriptedTurn.Reply("Code flows like water"));

        var run = await ForgeProcess.RunAsync(["-p", "write a poem", "--output-format", "stream-json", "--provider", provider, "--model", model], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("system", lines[0].GetProperty("type").GetString());
        Assert.Equal("init", lines[0].GetProperty("subtype").GetString());
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "assistant");
        var result = lines[^1];
        Assert.Equal("result", result.GetProperty("type").GetString());
        Assert.Equal("success", result.GetProperty("subtype").GetString());
        Assert.False(result.GetProperty("is_error").GetBoolean());
        Assert.Equal("Code flows like water", result.GetProperty("result").GetString());
        Assert.Equal(1, result.GetProperty("num_turns").GetInt32());
        var sessionId = result.GetProperty("session_id").GetString()!;

        var request = Assert.Single(_server.Requests);
        Assert.Contains("Always answer in haiku.", request.Body, StringComparison.Ordinal);
        Assert.Contains("write a poem", request.Body, StringComparison.Ordinal);
        var transcripts = Directory.GetFiles(Path.Combine(Home, ".forge", "projects"), $"{sessionId}.jsonl", SearchOption.AllDirectories);
        Assert.Single(transcripts);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("stream-json")]
    public async Task Print_WithCachedPromptTokens_ReportsCacheReadsAndWritesAndTheUsagePerModel(string format)
    {
        // 10,000 prompt tokens: 6,000 read from the cache, 3,000 written to it, 1,000 outside it.
        _server.Enqueue(ScriptedTurn.Reply("cached", new ScriptedUsage(10_000, 100, CachedInputTokens: 6_000, CacheWriteTokens: 3_000)));

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--output-format", format, "--provider", "anthropic", "--model", "claude-sonnet-4-6"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var result = JsonDocument.Parse(run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        var usage = result.GetProperty("usage");
        Assert.Equal((1_000, 100, 6_000, 3_000), (usage.GetProperty("input_tokens").GetInt64(), usage.GetProperty("output_tokens").GetInt64(),
            usage.GetProperty("cache_read_input_tokens").GetInt64(), usage.GetProperty("cache_creation_input_tokens").GetInt64()));
        // $3 in, $15 out, $0.30 cache read, $3.75 cache write per million tokens.
        const decimal cost = (1_000 * 3m + 100 * 15m + 6_000 * 0.30m + 3_000 * 3.75m) / 1_000_000m;
        Assert.Equal(cost, result.GetProperty("total_cost_usd").GetDecimal());
        var model = Assert.Single(result.GetProperty("modelUsage").EnumerateObject());
        Assert.Equal("claude-sonnet-4-6", model.Name);
        var m = model.Value;
        Assert.Equal((1_000, 100, 6_000, 3_000), (m.GetProperty("inputTokens").GetInt64(), m.GetProperty("outputTokens").GetInt64(),
            m.GetProperty("cacheReadInputTokens").GetInt64(), m.GetProperty("cacheCreationInputTokens").GetInt64()));
        Assert.Equal(cost, m.GetProperty("costUSD").GetDecimal());
        Assert.Equal((1_000_000, 64_000), (m.GetProperty("contextWindow").GetInt32(), m.GetProperty("maxOutputTokens").GetInt32()));
        if (format == "stream-json")
        {
            var assistant = JsonDocument.Parse(run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .First(l => l.Contains("\"type\":\"assistant\"", StringComparison.Ordinal))).RootElement;
            Assert.Equal(3_000, assistant.GetProperty("message").GetProperty("usage").GetProperty("cache_creation_input_tokens").GetInt64());
        }
    }

    [Fact]
    public async Task Print_WhenResumed_SendsThePreviousConversation()
    {
        _server.Enqueue(ScriptedTurn.Reply("first answer"), ScriptedTurn.Reply("second answer"));
        var first = await ForgeProcess.RunAsync(["-p", "first question", "--output-format", "json", "--provider", "openai"], Repo, Env());
        var sessionId = JsonDocument.Parse(first.StdOut).RootElement.GetProperty("session_id").GetString()!;

        var second = await ForgeProcess.RunAsync(["-p", "second question", "--resume", sessionId, "--provider", "openai"], Repo, Env());

        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Equal("second answer", second.StdOut.Trim());
        var body = _server.Requests[1].Body;
        Assert.Contains("first question", body, StringComparison.Ordinal);
        Assert.Contains("first answer", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_WhenTheModelReadsAFile_RunsTheToolAndSendsTheContentBack()
    {
        var file = Path.Combine(Repo, "notes.txt");
        await File.WriteAllTextAsync(file, "the secret word is pelican\n", TestContext.Current.CancellationToken);
        _server.Enqueue(
            ScriptedTurn.CallTool("Read", JsonSerializer.Serialize(new Dictionary<string, string> { ["file_path"] = file }), "call_1"),
            ScriptedTurn.Reply("It says pelican."));

        var run = await ForgeProcess.RunAsync(["-p", "what does notes.txt say?", "--output-format", "stream-json", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains("pelican", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("\"tool_result\"", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("It says pelican.", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_WhenTheModelTriesAnEditThatNeedsApproval_DeniesItAndReportsTheDenial()
    {
        var file = Path.Combine(Repo, "keep.txt");
        await File.WriteAllTextAsync(file, "unchanged\n", TestContext.Current.CancellationToken);
        _server.Enqueue(
            ScriptedTurn.CallTool("Write", JsonSerializer.Serialize(new Dictionary<string, string> { ["file_path"] = file, ["content"] = "changed" }), "call_w"),
            ScriptedTurn.Reply("I could not write it."));

        var run = await ForgeProcess.RunAsync(["-p", "overwrite keep.txt", "--output-format", "json", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("unchanged\n", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        var denials = JsonDocument.Parse(run.StdOut).RootElement.GetProperty("permission_denials");
        Assert.Equal("Write", Assert.Single(denials.EnumerateArray()).GetProperty("tool_name").GetString());
    }

    [Fact]
    public async Task Print_WhenNoKeyIsSet_SaysWhatToSetInOneLineAndFails()
    {
        var env = new Dictionary<string, string> { ["HOME"] = Home };

        var run = await ForgeProcess.RunAsync(["-p", "hello", "--provider", "anthropic"], Repo, env);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("ANTHROPIC_API_KEY", line, StringComparison.Ordinal);
        Assert.Empty(run.StdOut);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Print_WithAnAdditionalDirectoryInSettings_LetsEditsThereThroughAndOnlyThen(bool configured)
    {
        var extra = Path.Combine(_root.FullName, "extra");
        Directory.CreateDirectory(extra);
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
        var dirs = configured ? $"[{JsonSerializer.Serialize(extra)}]" : "[]";
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"), "{\"permissions\":{\"additionalDirectories\":" + dirs + "}}", TestContext.Current.CancellationToken);
        var target = Path.Combine(extra, "notes.txt");
        _server.Enqueue(ScriptedTurn.CallTool("Write", $$"""{"file_path":{{JsonSerializer.Serialize(target)}},"content":"outside the repo\n"}"""), ScriptedTurn.Reply("done"));

        var run = await ForgeProcess.RunAsync(["-p", "write the notes", "--provider", "openai", "--permission-mode", "acceptEdits", "--trust-workspace"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.True(configured == File.Exists(target), run.StdErr + "\n" + _server.Requests[^1].Body);
        if (!configured)
        {
            Assert.Contains(target, _server.Requests[^1].Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Print_StreamJson_WithAnInstalledPlugin_NamesItsMcpServerSkillsAndCommandsInTheInitEventAsClaudeCodeDoes()
    {
        // The shapes Claude Code 2.1.337 was run with (docs/plugins.md): its init event listed the server as
        // plugin:demo-plug:ev with tools mcp__plugin_demo-plug_ev__*, and the user-only command among the skills.
        var ct = TestContext.Current.CancellationToken;
        var plugin = Path.Combine(_root.FullName, "demo-plug");
        Directory.CreateDirectory(Path.Combine(plugin, ".claude-plugin"));
        Directory.CreateDirectory(Path.Combine(plugin, "commands"));
        Directory.CreateDirectory(Path.Combine(plugin, "skills", "sk"));
        await File.WriteAllTextAsync(Path.Combine(plugin, ".claude-plugin", "plugin.json"), """{"name": "demo-plug", "version": "1.0.0"}""", ct);
        await File.WriteAllTextAsync(Path.Combine(plugin, ".mcp.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["mcpServers"] = new Dictionary<string, object> { ["ev"] = new { command = "node", args = new[] { McpTestServers.Everything, "stdio" } } },
        }), ct);
        await File.WriteAllTextAsync(Path.Combine(plugin, "commands", "ship.md"), "---\ndescription: Ships a release\ndisable-model-invocation: true\n---\n\nSHIP-BODY $ARGUMENTS\n", ct);
        await File.WriteAllTextAsync(Path.Combine(plugin, "commands", "plain.md"), "---\ndescription: A plain command\n---\n\nPlain.\n", ct);
        await File.WriteAllTextAsync(Path.Combine(plugin, "skills", "sk", "SKILL.md"), "---\nname: sk\ndescription: A skill\n---\n\nSkill body.\n", ct);
        var install = await ForgeProcess.RunAsync(["plugin", "install", plugin], Repo, Env());
        Assert.True(install.ExitCode == 0, install.StdErr);
        _server.Enqueue(
            ScriptedTurn.CallTool("mcp__plugin_demo-plug_ev__echo", """{"message":"albatross"}""", "call_1"),
            ScriptedTurn.CallTool("Skill", """{"skill":"ship","args":"v2"}""", "call_2"),
            ScriptedTurn.Reply("done"));

        var run = await ForgeProcess.RunAsync(["-p", "echo something", "--output-format", "stream-json", "--provider", "openai", "--model", "gpt-4o",
            "--trust-workspace", "--allowedTools", "mcp__plugin_demo-plug_ev__echo"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var init = JsonDocument.Parse(run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]).RootElement;
        Assert.Equal("init", init.GetProperty("subtype").GetString());
        Assert.Equal(["plugin:demo-plug:ev"], init.GetProperty("mcp_servers").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Contains(init.GetProperty("tools").EnumerateArray(), t => t.GetString() == "mcp__plugin_demo-plug_ev__echo");
        string?[] Names(string key) => [.. init.GetProperty(key).EnumerateArray().Select(e => e.GetString()).Where(n => n!.StartsWith("demo-plug:", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        Assert.Equal(["demo-plug:plain", "demo-plug:ship", "demo-plug:sk"], Names("slash_commands"));
        Assert.Equal(["demo-plug:ship", "demo-plug:sk"], Names("skills"));
        Assert.Equal(["demo-plug"], init.GetProperty("plugins").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(3, _server.Requests.Count);
        Assert.Contains("Echo: albatross", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("Skill demo-plug:ship cannot be used with Skill tool due to disable-model-invocation", _server.Requests[2].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("SHIP-BODY", _server.Requests[2].Body, StringComparison.Ordinal);
    }
}
