using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.StreamJson;

/// <summary>
/// The official Claude Agent SDK (TypeScript, from npm) driving the real forge against the fake model server (real
/// Anthropic wire protocol on 127.0.0.1): every scenario a program written for the SDK relies on.
/// </summary>
public sealed class AgentSdkTests() : ForgeWorkspaceTestBase("forge-sdk-")
{
    private string _forge = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _forge = AgentSdk.WriteForgeLauncher(_root.FullName);
    }

    private Task<AgentSdk.Run> RunAsync(string scenario, object extra) =>
        AgentSdk.RunAsync(scenario, _forge, Repo, extra, Env(("FORGE_PROVIDER", "anthropic")));

    private static string Json(object value) => JsonSerializer.Serialize(value);

    [Fact]
    public async Task Query_OneShot_GivesInitAssistantAndASuccessResult()
    {
        _server.Enqueue(ScriptedTurn.Reply("Hello from forge"));

        var run = await RunAsync("oneshot", new { model = "sonnet", prompt = "say hello" });

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal(["system", "assistant", "result"], run.Messages.Select(m => m.GetProperty("type").GetString()));
        var init = run.Messages[0];
        Assert.Equal("init", init.GetProperty("subtype").GetString());
        Assert.Contains("Read", init.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("default", init.GetProperty("permissionMode").GetString());
        var result = Assert.Single(run.Results);
        Assert.Equal("success", result.GetProperty("subtype").GetString());
        Assert.Equal("Hello from forge", result.GetProperty("result").GetString());
        Assert.Equal(1, result.GetProperty("num_turns").GetInt32());
        Assert.Equal(init.GetProperty("session_id").GetString(), result.GetProperty("session_id").GetString());
        Assert.Contains("say hello", Assert.Single(_server.Requests).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thinking_Adaptive_AsksForAdaptiveThinkingWithItsDisplay_OverSettingsThatTurnedItOff()
    {
        Directory.CreateDirectory(Path.Combine(Home, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Home, ".forge", "settings.json"), """{"alwaysThinkingEnabled": false}""", TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("thought about it"));

        var run = await RunAsync("oneshot", new { model = "sonnet", options = new { thinking = new { type = "adaptive", display = "summarized" } } });

        Assert.True(run.ExitCode == 0, run.Describe());
        var request = JsonDocument.Parse(Assert.Single(_server.Requests).Body).RootElement;
        var thinking = request.GetProperty("thinking");
        Assert.Equal(("adaptive", "summarized"), (thinking.GetProperty("type").GetString(), thinking.GetProperty("display").GetString()));
    }

    [Fact]
    public async Task Thinking_Disabled_SendsNoThinkingToAModelThatWouldThinkByDefault()
    {
        _server.Enqueue(ScriptedTurn.Reply("no thinking"));

        var run = await RunAsync("oneshot", new { model = "sonnet", options = new { thinking = new { type = "disabled" } } });

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.False(JsonDocument.Parse(Assert.Single(_server.Requests).Body).RootElement.TryGetProperty("thinking", out _));
    }

    [Fact]
    public async Task Thinking_EnabledWithABudget_SendsThatBudget()
    {
        _server.Enqueue(ScriptedTurn.Reply("thought a fixed amount"));

        var run = await RunAsync("oneshot", new { model = "claude-sonnet-4-6", options = new { thinking = new { type = "enabled", budgetTokens = 5000 } } });

        Assert.True(run.ExitCode == 0, run.Describe());
        var thinking = JsonDocument.Parse(Assert.Single(_server.Requests).Body).RootElement.GetProperty("thinking");
        Assert.Equal(("enabled", 5000), (thinking.GetProperty("type").GetString(), thinking.GetProperty("budget_tokens").GetInt32()));
    }

    [Fact]
    public async Task CanUseTool_DeniesOneToolAndAllowsAnotherWithAChangedInput()
    {
        var file = Path.Combine(Repo, "allowed.txt");
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", Json(new { command = "touch denied.txt" }), "toolu_1"),
            ScriptedTurn.CallTool("Write", Json(new { file_path = file, content = "as the model wrote it" }), "toolu_2"),
            ScriptedTurn.Reply("done"));

        var run = await RunAsync("canUseTool", new
        {
            model = "sonnet",
            deny = "Bash",
            denyMessage = "no shell today",
            updatedInput = new { content = "as the SDK changed it" },
        });

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal(["Bash", "Write"], run.Facts.GetProperty("asked").EnumerateArray().Select(a => a.GetString()));
        Assert.False(File.Exists(Path.Combine(Repo, "denied.txt")));
        Assert.Equal("as the SDK changed it", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        Assert.Contains("no shell today", _server.Requests[1].Body, StringComparison.Ordinal);
        var denial = Assert.Single(run.Results[0].GetProperty("permission_denials").EnumerateArray());
        Assert.Equal("Bash", denial.GetProperty("tool_name").GetString());
    }

    [Fact]
    public async Task StreamingInput_TwoUserMessages_RunAsTwoTurnsOfOneSession()
    {
        _server.Enqueue(ScriptedTurn.Reply("answer one"), ScriptedTurn.Reply("answer two"));

        var run = await RunAsync("streaming", new { model = "sonnet", first = "first question", second = "second question" });

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal(["answer one", "answer two"], run.Results.Select(r => r.GetProperty("result").GetString()));
        Assert.Single(run.Results.Select(r => r.GetProperty("session_id").GetString()).Distinct());
        Assert.Equal(2, run.OfType("system").Count(m => m.GetProperty("subtype").GetString() == "init"));
        var second = _server.Requests[1].Body;
        Assert.Contains("first question", second, StringComparison.Ordinal);
        Assert.Contains("answer one", second, StringComparison.Ordinal);
        Assert.Contains("second question", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interrupt_WhileAToolRuns_EndsTheTurnWithAnErrorResultAndTheSessionGoesOn()
    {
        _server.Enqueue(ScriptedTurn.CallTool("Bash", Json(new { command = "sleep 300" }), "toolu_1"), ScriptedTurn.Reply("still here"));

        var run = await RunAsync("interrupt", new { model = "sonnet", options = new { permissionMode = "bypassPermissions" } });

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.True(run.Facts.GetProperty("interrupted").GetBoolean());
        Assert.Equal(2, run.Results.Count);
        Assert.Equal("error_during_execution", run.Results[0].GetProperty("subtype").GetString());
        Assert.True(run.Results[0].GetProperty("is_error").GetBoolean());
        Assert.Equal("still here", run.Results[1].GetProperty("result").GetString());
        // The interrupted call got a result, so the conversation the second turn sent is valid.
        Assert.Contains("toolu_1", _server.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetPermissionMode_AcceptEdits_LetsTheModelWriteWithoutAsking()
    {
        var file = Path.Combine(Repo, "edited.txt");
        _server.Enqueue(ScriptedTurn.CallTool("Write", Json(new { file_path = file, content = "written" }), "toolu_1"), ScriptedTurn.Reply("done"));

        var run = await RunAsync("setPermissionMode", new { model = "sonnet", mode = "acceptEdits" });

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal("acceptEdits", run.Facts.GetProperty("answer").GetProperty("mode").GetString());
        Assert.Equal("acceptEdits", run.OfType("system").First().GetProperty("permissionMode").GetString());
        Assert.Equal("written", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        Assert.Empty(run.Results[0].GetProperty("permission_denials").EnumerateArray());
    }

    [Fact]
    public async Task Hook_ASdkPreToolUseHookThatDenies_BlocksTheToolAndTheModelSeesTheReason()
    {
        _server.Enqueue(ScriptedTurn.CallTool("Bash", Json(new { command = "touch hooked.txt" }), "toolu_1"), ScriptedTurn.Reply("ok"));

        var run = await RunAsync("hook", new { model = "sonnet", matcher = "Bash", reason = "blocked by the SDK hook", options = new { permissionMode = "bypassPermissions" } });

        Assert.True(run.ExitCode == 0, run.Describe());
        var call = Assert.Single(run.Facts.GetProperty("hookCalls").EnumerateArray());
        Assert.Equal("PreToolUse", call.GetProperty("hook_event_name").GetString());
        Assert.Equal("Bash", call.GetProperty("tool_name").GetString());
        Assert.Equal("touch hooked.txt", call.GetProperty("tool_input").GetProperty("command").GetString());
        Assert.False(File.Exists(Path.Combine(Repo, "hooked.txt")));
        Assert.Contains("blocked by the SDK hook", _server.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StructuredOutput_WithAJsonSchema_ReturnsTheValidatedValueAndRejectsAWrongOne()
    {
        _server.Enqueue(
            ScriptedTurn.CallTool("StructuredOutput", Json(new { answer = "forty-two" }), "toolu_1"),
            ScriptedTurn.CallTool("StructuredOutput", Json(new { answer = 42 }), "toolu_2"),
            ScriptedTurn.Reply("done"));
        var schema = new { type = "object", properties = new { answer = new { type = "integer" } }, required = new[] { "answer" } };

        var run = await RunAsync("structured", new { model = "sonnet", schema });

        Assert.True(run.ExitCode == 0, run.Describe());
        var result = Assert.Single(run.Results);
        Assert.Equal(42, result.GetProperty("structured_output").GetProperty("answer").GetInt32());
        Assert.Contains("expected integer", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("StructuredOutput", _server.Requests[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_ASecondQueryWithTheSessionId_ContinuesTheSavedConversation()
    {
        _server.Enqueue(ScriptedTurn.Reply("the word is pelican"), ScriptedTurn.Reply("it was pelican"));

        var run = await RunAsync("resume", new { model = "sonnet", first = "remember a word", second = "which word?" });

        Assert.True(run.ExitCode == 0, run.Describe());
        var first = run.Facts.GetProperty("firstSession").GetString()!;
        Assert.Equal([first, first], run.Results.Select(r => r.GetProperty("session_id").GetString()));
        var second = _server.Requests[1].Body;
        Assert.Contains("remember a word", second, StringComparison.Ordinal);
        Assert.Contains("the word is pelican", second, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(Home, ".forge", "projects"), $"{first}.jsonl", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SdkSession_IsListedByForgeSessionsList_AndResumesWithForgeDashR()
    {
        _server.Enqueue(ScriptedTurn.Reply("the word is heron"), ScriptedTurn.Reply("it was heron"));
        var run = await RunAsync("oneshot", new { model = "sonnet", prompt = "remember a word" });
        Assert.True(run.ExitCode == 0, run.Describe());
        var id = run.Results[0].GetProperty("session_id").GetString()!;
        var env = new Dictionary<string, string>(_server.EnvironmentVariables) { ["HOME"] = Home, ["FORGE_PROVIDER"] = "anthropic" };

        var list = await ForgeProcess.RunAsync(["sessions", "list"], Repo, env);
        var resumed = await ForgeProcess.RunAsync(["-p", "which word?", "-r", id, "--model", "sonnet", "--output-format", "json"], Repo, env);

        Assert.True(list.ExitCode == 0, list.StdErr);
        Assert.StartsWith(id, Assert.Single(list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        var result = JsonDocument.Parse(resumed.StdOut).RootElement;
        Assert.Equal(("it was heron", id), (result.GetProperty("result").GetString(), result.GetProperty("session_id").GetString()));
        Assert.Contains("the word is heron", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("remember a word", _server.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_WithCachedPromptTokens_ResultReportsCacheWritesReadsAndModelUsage()
    {
        _server.Enqueue(ScriptedTurn.Reply("cached", new ScriptedUsage(10_000, 100, CachedInputTokens: 6_000, CacheWriteTokens: 3_000)));

        var run = await RunAsync("oneshot", new { model = "sonnet" });

        Assert.True(run.ExitCode == 0, run.Describe());
        var result = Assert.Single(run.Results);
        var usage = result.GetProperty("usage");
        Assert.Equal((1_000, 6_000, 3_000), (usage.GetProperty("input_tokens").GetInt64(),
            usage.GetProperty("cache_read_input_tokens").GetInt64(), usage.GetProperty("cache_creation_input_tokens").GetInt64()));
        var model = Assert.Single(result.GetProperty("modelUsage").EnumerateObject());
        Assert.Equal("claude-sonnet-5-5", model.Name);
        Assert.Equal((1_000, 100, 6_000, 3_000), (model.Value.GetProperty("inputTokens").GetInt64(), model.Value.GetProperty("outputTokens").GetInt64(),
            model.Value.GetProperty("cacheReadInputTokens").GetInt64(), model.Value.GetProperty("cacheCreationInputTokens").GetInt64()));
        Assert.Equal(result.GetProperty("total_cost_usd").GetDecimal(), model.Value.GetProperty("costUSD").GetDecimal());
        Assert.Equal((1_000 * 2m + 100 * 10m + 6_000 * 0.10m + 3_000 * 2.5m) / 1_000_000m, model.Value.GetProperty("costUSD").GetDecimal());
    }

    private static List<string> RequestToolNames(RecordedRequest request) =>
        request.Json.TryGetProperty("tools", out var tools) ? [.. tools.EnumerateArray().Select(t => t.GetProperty("name").GetString()!)] : [];

    [Fact]
    public async Task MaxBudgetUsd_OnceTheSessionCostsMore_StopsBeforeTheNextModelCallWithAnErrorMaxBudgetResult()
    {
        await File.WriteAllTextAsync(Path.Combine(Repo, "notes.txt"), "notes", TestContext.Current.CancellationToken);
        // 100,000 prompt tokens of claude-sonnet-5-5 (the sonnet alias) cost $0.20, over the $0.01 budget.
        _server.Enqueue(
            ScriptedTurn.CallTool("Read", Json(new { file_path = Path.Combine(Repo, "notes.txt") }), "toolu_1") with { Usage = new ScriptedUsage(100_000, 10) },
            ScriptedTurn.Reply("never sent"));

        var run = await RunAsync("oneshot", new { model = "sonnet", options = new { maxBudgetUsd = 0.01 } });

        var result = Assert.Single(run.Results);
        Assert.Equal("error_max_budget_usd", result.GetProperty("subtype").GetString());
        Assert.True(result.GetProperty("is_error").GetBoolean());
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Tools_AList_OffersTheModelOnlyThoseTools_AndAnEmptyListNone()
    {
        _server.Enqueue(ScriptedTurn.Reply("one"), ScriptedTurn.Reply("two"));

        var some = await RunAsync("oneshot", new { model = "sonnet", options = new { tools = new[] { "Read", "Grep" } } });
        var none = await RunAsync("oneshot", new { model = "sonnet", options = new { tools = Array.Empty<string>() } });

        Assert.True(some.ExitCode == 0, some.Describe());
        Assert.True(none.ExitCode == 0, none.Describe());
        Assert.Equal(["Grep", "Read"], RequestToolNames(_server.Requests[0]).Order(StringComparer.Ordinal));
        Assert.Empty(RequestToolNames(_server.Requests[1]));
    }

    [Fact]
    public async Task SystemPrompt_AString_ReplacesForgesPrompt_AndThePresetWithAppendKeepsItAndAddsTheText()
    {
        _server.Enqueue(ScriptedTurn.Reply("arr"), ScriptedTurn.Reply("default"));

        var custom = await RunAsync("oneshot", new { model = "sonnet", options = new { systemPrompt = "You are a pirate. PIRATE-7Q." } });
        var preset = await RunAsync("oneshot", new { model = "sonnet", options = new { systemPrompt = new { type = "preset", preset = "claude_code", append = "APPENDED-9Z." } } });

        Assert.True(custom.ExitCode == 0, custom.Describe());
        Assert.True(preset.ExitCode == 0, preset.Describe());
        string System(RecordedRequest r) => string.Concat(r.Json.GetProperty("system").EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        var customSystem = System(_server.Requests[0]);
        var presetSystem = System(_server.Requests[1]);
        Assert.StartsWith("You are a pirate. PIRATE-7Q.", customSystem, StringComparison.Ordinal);
        Assert.DoesNotContain("APPENDED-9Z.", customSystem, StringComparison.Ordinal);
        Assert.EndsWith("APPENDED-9Z.", presetSystem.TrimEnd(), StringComparison.Ordinal);
        Assert.True(presetSystem.Length > customSystem.Length * 2, "the preset keeps forge's own prompt");
    }

    [Fact]
    public async Task ForkSession_OnResume_ContinuesInANewSessionAndLeavesTheOriginalTranscriptAsItWas()
    {
        _server.Enqueue(ScriptedTurn.Reply("the word is pelican"), ScriptedTurn.Reply("it was pelican"));

        var run = await RunAsync("resume", new { model = "sonnet", first = "remember a word", second = "which word?", secondOptions = new { forkSession = true } });

        Assert.True(run.ExitCode == 0, run.Describe());
        var first = run.Facts.GetProperty("firstSession").GetString()!;
        var second = run.Results[1].GetProperty("session_id").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Contains("the word is pelican", _server.Requests[1].Body, StringComparison.Ordinal);
        var projects = Path.Combine(Home, ".forge", "projects");
        var original = Assert.Single(Directory.GetFiles(projects, $"{first}.jsonl", SearchOption.AllDirectories));
        var forked = Assert.Single(Directory.GetFiles(projects, $"{second}.jsonl", SearchOption.AllDirectories));
        var originalText = await File.ReadAllTextAsync(original, TestContext.Current.CancellationToken);
        Assert.DoesNotContain("which word?", originalText, StringComparison.Ordinal);
        Assert.Contains("which word?", await File.ReadAllTextAsync(forked, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersistSessionFalse_SavesNoTranscript()
    {
        _server.Enqueue(ScriptedTurn.Reply("not kept"));

        var run = await RunAsync("oneshot", new { model = "sonnet", options = new { persistSession = false } });

        Assert.True(run.ExitCode == 0, run.Describe());
        var projects = Path.Combine(Home, ".forge", "projects");
        Assert.True(!Directory.Exists(projects) || Directory.GetFiles(projects, "*.jsonl", SearchOption.AllDirectories).Length == 0);
    }

    [Fact]
    public async Task CanUseTool_AcceptingTheSuggestions_AllowsTheSameCommandAgainWithoutAsking_ButNotAnother()
    {
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", Json(new { command = "touch one.txt" }), "toolu_1"),
            ScriptedTurn.CallTool("Bash", Json(new { command = "touch one.txt" }), "toolu_2"),
            ScriptedTurn.CallTool("Bash", Json(new { command = "touch two.txt" }), "toolu_3"),
            ScriptedTurn.Reply("done"));

        var run = await RunAsync("canUseToolRemember", new { model = "sonnet" });

        Assert.True(run.ExitCode == 0, run.Describe());
        var asked = run.Facts.GetProperty("asked").EnumerateArray().ToList();
        Assert.Equal(["touch one.txt", "touch two.txt"], asked.Select(a => a.GetProperty("input").GetProperty("command").GetString()));
        var rule = asked[0].GetProperty("suggestions")[0];
        Assert.Equal(("addRules", "allow", "session"), (rule.GetProperty("type").GetString(), rule.GetProperty("behavior").GetString(), rule.GetProperty("destination").GetString()));
        Assert.Equal(("Bash", "touch one.txt"), (rule.GetProperty("rules")[0].GetProperty("toolName").GetString(), rule.GetProperty("rules")[0].GetProperty("ruleContent").GetString()));
    }

    [Fact]
    public async Task SdkMcpServer_TheModelCallsAnInProcessTool_AndGetsItsAnswer()
    {
        _server.Enqueue(ScriptedTurn.CallTool("mcp__calc__add", Json(new { a = 2, b = 3 }), "toolu_1"), ScriptedTurn.Reply("five"));

        var run = await RunAsync("sdkMcp", new { model = "sonnet" });

        Assert.True(run.ExitCode == 0, run.Describe());
        var call = Assert.Single(run.Facts.GetProperty("calls").EnumerateArray());
        Assert.Equal((2, 3), (call.GetProperty("a").GetInt32(), call.GetProperty("b").GetInt32()));
        Assert.Contains("mcp__calc__add", _server.Requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("sum is 5", _server.Requests[1].Body, StringComparison.Ordinal);
        var init = run.OfType("system").First();
        Assert.Contains("calc", init.GetProperty("mcp_servers").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("five", Assert.Single(run.Results).GetProperty("result").GetString());
    }

    [Fact]
    public async Task FallbackModel_WhenTheMainModelIsMissing_TheFallbackAnswersAndTheSwitchIsASystemMessage()
    {
        _server.Enqueue(ScriptedTurn.ModelNotFound(), ScriptedTurn.Reply("answered by haiku"));

        var run = await RunAsync("fallbackModel", new { model = "sonnet", fallbackModel = "haiku" });

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal("answered by haiku", Assert.Single(run.Results).GetProperty("result").GetString());
        var fallback = run.Facts.GetProperty("fallback");
        Assert.Equal(("model_not_found", "claude-sonnet-5-5", "claude-haiku-5-5"),
            (fallback.GetProperty("trigger").GetString(), fallback.GetProperty("original_model").GetString(), fallback.GetProperty("fallback_model").GetString()));
        Assert.Equal(["claude-sonnet-5-5", "claude-haiku-5-5"], _server.Requests.Select(r => r.Model));
    }

    [Fact]
    public async Task Agent_DefinedInOptionsAgents_RunsTheMainThreadWithItsPromptAndTools()
    {
        _server.Enqueue(ScriptedTurn.Reply("reviewing"));
        var agents = new Dictionary<string, object> { ["reviewer"] = new { description = "Reviews code", prompt = "You are the strict reviewer.", tools = new[] { "Read", "Grep" } } };

        var run = await RunAsync("agent", new { model = "sonnet", agents, agent = "reviewer" });

        Assert.True(run.ExitCode == 0, run.Describe());
        var request = Assert.Single(_server.Requests).Json;
        var system = request.GetProperty("system");
        var systemText = system.ValueKind == JsonValueKind.String ? system.GetString() : string.Concat(system.EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        Assert.StartsWith("You are the strict reviewer.", systemText, StringComparison.Ordinal);
        Assert.Equal(["Grep", "Read"], request.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order());
    }

    [Fact]
    public async Task Agents_FromOptions_AreListedBySupportedAgentsAndOfferedToTheModel()
    {
        _server.Enqueue(ScriptedTurn.Reply("there is a helper"));
        var agents = new Dictionary<string, object> { ["sdk-helper"] = new { description = "Helps with what the SDK program asks", prompt = "Help." } };

        var run = await RunAsync("agents", new { model = "sonnet", agents });

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains("sdk-helper", run.Facts.GetProperty("agents").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("Helps with what the SDK program asks", Assert.Single(_server.Requests).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugins_ALocalPluginDirectory_IsLoadedForTheRunWithItsCommandsAndAgents()
    {
        var plugin = Path.Combine(_root.FullName, "my-plugin");
        Directory.CreateDirectory(Path.Combine(plugin, ".claude-plugin"));
        Directory.CreateDirectory(Path.Combine(plugin, "agents"));
        Directory.CreateDirectory(Path.Combine(plugin, "commands"));
        await File.WriteAllTextAsync(Path.Combine(plugin, ".claude-plugin", "plugin.json"), """{"name":"my-plugin","version":"1.0.0"}""", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(plugin, "agents", "tidy.md"), "---\nname: tidy\ndescription: Tidies code.\n---\n\nTidy.\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(plugin, "commands", "greet.md"), "---\ndescription: Greets.\n---\n\nSay hello to $ARGUMENTS.\n", TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("hello"));

        var run = await RunAsync("plugins", new { model = "sonnet", plugins = new[] { plugin } });

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal(["my-plugin"], run.Facts.GetProperty("plugins").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains(run.Facts.GetProperty("agents").EnumerateArray(), a => a.GetString()!.EndsWith("tidy", StringComparison.Ordinal));
        Assert.Contains(run.Facts.GetProperty("slashCommands").EnumerateArray(), c => c.GetString()!.EndsWith("greet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PluginHooks_DecideEachToolCallAsClaudeCodeDoes_DenyExit2BlockRewriteAndTheNonBlockingAnswers()
    {
        // The same plugin and calls as compare.mjs's pluginHooks scenario, where Claude Code made the same eight decisions.
        var ct = TestContext.Current.CancellationToken;
        var plugin = Path.Combine(_root.FullName, "hook-lab");
        Directory.CreateDirectory(Path.Combine(plugin, ".claude-plugin"));
        Directory.CreateDirectory(Path.Combine(plugin, "hooks"));
        await File.WriteAllTextAsync(Path.Combine(plugin, ".claude-plugin", "plugin.json"), """{"name":"hook-lab","version":"1.0.0"}""", ct);
        static object Hook(string script) => new[] { new { type = "command", command = "node \"${CLAUDE_PLUGIN_ROOT}/" + script + "\"" } };
        await File.WriteAllTextAsync(Path.Combine(plugin, "hooks", "hooks.json"), Json(new
        {
            hooks = new
            {
                PreToolUse = new[] { new { matcher = "Bash", hooks = Hook("pre.mjs") } },
                PostToolUse = new[] { new { matcher = "Bash", hooks = Hook("post.mjs") } },
                UserPromptSubmit = new[] { new { hooks = Hook("prompt.mjs") } },
            },
        }), ct);
        const string Read = "import { readFileSync } from 'node:fs';\nconst input = JSON.parse(readFileSync(0, 'utf8'));\nconst c = input.tool_input?.command ?? '';\nconst out = (o) => process.stdout.write(JSON.stringify(o));\n";
        await File.WriteAllTextAsync(Path.Combine(plugin, "pre.mjs"), Read + """
            if (c.includes('case-deny')) out({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'DENY-REASON-1' } });
            else if (c.includes('case-exit2')) { process.stderr.write('EXIT2-REASON'); process.exit(2); }
            else if (c.includes('case-legacy')) out({ decision: 'block', reason: 'LEGACY-REASON' });
            else if (c.includes('case-rewrite')) out({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', updatedInput: { command: c.replace('case-rewrite', 'rewritten') } } });
            else if (c.includes('case-garbage')) process.stdout.write('not json {');
            else if (c.includes('case-exit1')) { process.stderr.write('EXIT1-NOTE'); process.exit(1); }
            """, ct);
        await File.WriteAllTextAsync(Path.Combine(plugin, "post.mjs"), Read + "if (c.includes('case-post')) out({ decision: 'block', reason: 'POST-REASON' });\n", ct);
        await File.WriteAllTextAsync(Path.Combine(plugin, "prompt.mjs"), Read + "out({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'PROMPT-CONTEXT-7' } });\n", ct);
        string[] cases = ["deny", "exit2", "legacy", "rewrite", "garbage", "exit1", "post"];
        _server.Enqueue(
            new ScriptedTurn { ToolCalls = [.. cases.Select(c => new ScriptedToolCall("Bash", Json(new { command = $"touch {Repo}/case-{c}.txt" })))] },
            ScriptedTurn.Reply("done"));

        var run = await RunAsync("pluginHooks", new
        {
            model = "sonnet",
            plugins = new[] { plugin },
            prompt = "run the cases",
            options = new { permissionMode = "bypassPermissions", allowDangerouslySkipPermissions = true },
        });

        Assert.True(run.ExitCode == 0, run.Describe());
        bool Ran(string name) => File.Exists(Path.Combine(Repo, name + ".txt"));
        Assert.Contains("PROMPT-CONTEXT-7", _server.Requests[0].Body, StringComparison.Ordinal);
        var results = _server.Requests[1].Body;
        Assert.False(Ran("case-deny"));
        Assert.Contains("DENY-REASON-1", results, StringComparison.Ordinal);
        Assert.False(Ran("case-exit2"));
        Assert.Contains("EXIT2-REASON", results, StringComparison.Ordinal);
        Assert.False(Ran("case-legacy"));
        Assert.Contains("LEGACY-REASON", results, StringComparison.Ordinal);
        Assert.False(Ran("case-rewrite"));
        Assert.True(Ran("rewritten"), "the command the hook rewrote did not run");
        Assert.True(Ran("case-garbage"), "a hook whose output is not JSON blocked the call");
        Assert.True(Ran("case-exit1"), "a hook that exited 1 (a non-blocking error) blocked the call");
        Assert.True(Ran("case-post"));
        Assert.Contains("POST-REASON", results, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StrictMcpConfig_OnlyTheGivenServersStart_NotTheProjectsMcpJson()
    {
        var marker = Path.Combine(_root.FullName, "project-server-started");
        var project = new Dictionary<string, object> { ["mcpServers"] = new Dictionary<string, object> { ["project-server"] = new { command = "sh", args = new[] { "-c", $"touch '{marker}'" } } } };
        await File.WriteAllTextAsync(Path.Combine(Repo, ".mcp.json"), Json(project), TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("ok"));
        var servers = new Dictionary<string, object> { ["everything"] = new { type = "stdio", command = "node", args = new[] { McpTestServers.Everything } } };

        var run = await RunAsync("strictMcpConfig", new { model = "sonnet", mcpServers = servers });

        Assert.True(run.ExitCode == 0, run.Describe());
        var server = Assert.Single(run.Facts.GetProperty("servers").EnumerateArray());
        Assert.Equal(("everything", "connected"), (server.GetProperty("name").GetString(), server.GetProperty("status").GetString()));
        Assert.False(File.Exists(marker));
    }
}
