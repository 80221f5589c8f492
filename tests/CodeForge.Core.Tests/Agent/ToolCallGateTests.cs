using System.Collections.Concurrent;
using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Hooks;
using CodeForge.Core.Permissions;
using CodeForge.Core.Tests.Hooks;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Agent;

public sealed class ToolCallGateTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-gate-");

    private string Cwd => _dir.FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    private static JsonElement Args(string json) => JsonElement.Parse(json);

    private static JsonElement Command(string command) => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["command"] = command });

    private PermissionChecker Checker() => new(Cwd, Path.Combine(Cwd, "home"));

    /// <summary>A hook session whose PreToolUse hook answers with <paramref name="preToolUse"/> (JSON on stdout) and records every event.</summary>
    private static (HookSession Session, ConcurrentQueue<string> Events) Hooks(string? preToolUse = null, string? permissionRequest = null)
    {
        var events = new ConcurrentQueue<string>();
        var registry = new HookRegistry();
        registry.SetSource("test", [
            new HookDefinition(HookEvent.PreToolUse, HookMatcher.Parse(null), "pre", "test"),
            new HookDefinition(HookEvent.PermissionRequest, HookMatcher.Parse(null), "request", "test"),
            new HookDefinition(HookEvent.PostToolUse, HookMatcher.Parse(null), "post", "test"),
        ]);
        var runner = new HookRunner(registry, new FakeHookProcessRunner(r =>
        {
            events.Enqueue(r.Command);
            return FakeHookProcessRunner.Ok(r.Command switch
            {
                "pre" => preToolUse ?? "",
                "request" => permissionRequest ?? "",
                _ => "",
            });
        }), new HookRunnerOptions { ProjectDirectory = "/repo", HomeDirectory = "/home/u" });
        return (new HookSession(runner, () => new HookSessionInfo("s", null, "/repo")), events);
    }

    private static string PreToolUse(string decision, string? updatedInput = null) =>
        "{\"hookSpecificOutput\": {\"hookEventName\": \"PreToolUse\", \"permissionDecision\": \"" + decision + "\", \"permissionDecisionReason\": \"the hook says so\""
        + (updatedInput is null ? "" : ", \"updatedInput\": " + updatedInput) + "}}";

    [Fact]
    public async Task Authorize_WhenRulesAllow_AllowsWithoutAsking()
    {
        var prompt = new CountingPrompt(allow: false);
        using var gate = new ToolCallGate(Checker(), new ToolCallGateOptions { Prompt = prompt });

        var verdict = await gate.AuthorizeAsync("Read", Args($$"""{"file_path": "{{Cwd}}/a.txt"}"""), Ct);

        Assert.True(verdict.Allowed);
        Assert.Equal(0, prompt.Questions);
    }

    [Fact]
    public async Task Authorize_WhenRulesDeny_DeniesWithoutHooksOrPrompt()
    {
        var checker = Checker();
        checker.AddSessionRule(PermissionBehavior.Deny, "Bash(git push *)");
        var prompt = new CountingPrompt(allow: true);
        var (hooks, events) = Hooks(PreToolUse("allow"));
        using var gate = new ToolCallGate(checker, new ToolCallGateOptions { Prompt = prompt, Hooks = hooks });

        var verdict = await gate.AuthorizeAsync("Bash", Command("git push origin main"), Ct);

        Assert.False(verdict.Allowed);
        Assert.Equal(0, prompt.Questions);
        Assert.Empty(events);
    }

    [Fact]
    public async Task Authorize_WhenRulesAskAndThereIsNoPrompt_DeniesAndSaysHowToAllow()
    {
        using var gate = new ToolCallGate(Checker());

        var verdict = await gate.AuthorizeAsync("Bash", Command("make build"), Ct);

        Assert.False(verdict.Allowed);
        Assert.Contains("--allowedTools", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_WhenSeveralCallsAsk_ShowsOnePromptAtATimeAndRechecksAfterAnAlwaysAllow()
    {
        var checker = Checker();
        var prompt = new AlwaysAllowPrompt(checker);
        using var gate = new ToolCallGate(checker, new ToolCallGateOptions { Prompt = prompt });

        var verdicts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => gate.AuthorizeAsync("Bash", Command("npm test"), Ct).AsTask()));

        Assert.All(verdicts, v => Assert.True(v.Allowed));
        Assert.Equal(1, prompt.Questions);
        Assert.Equal(1, prompt.MaxConcurrent);
    }

    [Fact]
    public async Task Authorize_WhenAPreToolUseHookAsksWhereTheRulesAllow_ShowsThePrompt()
    {
        var prompt = new CountingPrompt(allow: true);
        var (hooks, _) = Hooks(PreToolUse("ask"));
        using var gate = new ToolCallGate(Checker(), new ToolCallGateOptions { Prompt = prompt, Hooks = hooks });

        var verdict = await gate.AuthorizeAsync("Read", Args($$"""{"file_path": "{{Cwd}}/a.txt"}"""), Ct);

        Assert.True(verdict.Allowed);
        Assert.Equal(1, prompt.Questions);
        Assert.Contains("PreToolUse hook asks", Assert.Single(prompt.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_WhenAPreToolUseHookAsksWithoutAPrompt_DeniesWithTheHooksReason()
    {
        var (hooks, _) = Hooks(PreToolUse("ask"));
        using var gate = new ToolCallGate(Checker(), new ToolCallGateOptions { Hooks = hooks });

        var verdict = await gate.AuthorizeAsync("Read", Args($$"""{"file_path": "{{Cwd}}/a.txt"}"""), Ct);

        Assert.False(verdict.Allowed);
        Assert.Contains("the hook says so", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_WhenAHookRewritesTheInputIntoADeniedOne_ChecksItAgainAndDenies()
    {
        var checker = Checker();
        checker.AddSessionRule(PermissionBehavior.Deny, "Read(./secret.txt)");
        var (hooks, _) = Hooks(PreToolUse("allow", $$"""{"file_path": "{{Cwd}}/secret.txt"}"""));
        using var gate = new ToolCallGate(checker, new ToolCallGateOptions { Hooks = hooks });

        var verdict = await gate.AuthorizeAsync("Read", Args($$"""{"file_path": "{{Cwd}}/a.txt"}"""), Ct);

        Assert.False(verdict.Allowed);
        Assert.Contains("rewritten by a PreToolUse hook", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_WhenAPermissionRequestHookAllows_DoesNotAsk()
    {
        var prompt = new CountingPrompt(allow: false);
        var (hooks, events) = Hooks(permissionRequest: """{"hookSpecificOutput": {"hookEventName": "PermissionRequest", "decision": {"behavior": "allow"}}}""");
        using var gate = new ToolCallGate(Checker(), new ToolCallGateOptions { Prompt = prompt, Hooks = hooks });

        var verdict = await gate.AuthorizeAsync("Bash", Command("make build"), Ct);

        Assert.True(verdict.Allowed);
        Assert.Equal(0, prompt.Questions);
        Assert.Equal(["pre", "request"], events);
    }

    [Fact]
    public async Task Authorize_TaskIsLetThroughButItsPreToolUseHookStillRuns()
    {
        var (hooks, events) = Hooks();
        using var gate = new ToolCallGate(Checker(), new ToolCallGateOptions { Hooks = hooks });

        var verdict = await gate.AuthorizeAsync("Task", Args("""{"description": "d", "prompt": "p", "subagent_type": "Explore"}"""), Ct);

        Assert.True(verdict.Allowed);
        Assert.Equal(["pre"], events);
    }

    [Fact]
    public async Task ToolFinished_FiresPostToolUseOnce()
    {
        var (hooks, events) = Hooks();
        using var gate = new ToolCallGate(Checker(), new ToolCallGateOptions { Hooks = hooks });

        await gate.ToolFinishedAsync(new AgentToolCall("c1", "Read", Args("{}"), ToolResult.Ok("x")), Ct);

        Assert.Equal(["post"], events);
    }

    [Fact]
    public async Task Run_AnAllowedCall_RunsTheToolWithTheHooksInput()
    {
        var registry = new ToolRegistry();
        registry.RegisterMany(BuiltInTools.CreateFileTools(new FileReadTracker()));
        await File.WriteAllTextAsync(Path.Combine(Cwd, "b.txt"), "bee", Ct);
        var (hooks, events) = Hooks(PreToolUse("allow", $$"""{"file_path": "{{Cwd}}/b.txt"}"""));
        using var gate = new ToolCallGate(Checker(), new ToolCallGateOptions { Hooks = hooks, Tools = registry });

        var call = await gate.RunAsync(new ToolExecutor(registry), "c1", "Read", Args($$"""{"file_path": "{{Cwd}}/a.txt"}"""), new ToolContext(Cwd), Ct);

        Assert.Contains("bee", call.Result!.Output, StringComparison.Ordinal);
        Assert.Equal(["pre", "post"], events);
    }

    [Fact]
    public async Task Authorize_UsesThePermissionFactsTheRegisteredToolDeclares()
    {
        var registry = new ToolRegistry();
        registry.Register(new DeclaringTool());
        var checker = Checker();
        checker.AddSessionRule(PermissionBehavior.Deny, "Read(./secret.txt)");
        using var gate = new ToolCallGate(checker, new ToolCallGateOptions { Tools = registry });

        // The tool is called "Read" but names its path "target": the rules follow what it declares, not an argument table.
        var verdict = await gate.AuthorizeAsync("Read", Args($$"""{"target": "{{Cwd}}/secret.txt"}"""), Ct);

        Assert.False(verdict.Allowed);
    }

    [Theory]
    [InlineData("ls -la src")]
    [InlineData("git log --oneline -n 5")]
    [InlineData("grep -rn Foo src | head -20")]
    [InlineData("find . -name '*.cs'")]
    public async Task ForReadOnlyAgent_AReadOnlyCommand_PassesToTheRules(string command)
    {
        var checker = Checker();
        checker.AddSessionRule(PermissionBehavior.Allow, "Bash");
        using var gate = new ToolCallGate(checker);

        var result = await gate.ForReadOnlyAgent(Cwd, Path.Combine(Cwd, "home")).AuthorizeAsync("Bash", Command(command), Ct);

        Assert.True(result.Allowed);
    }

    [Theory]
    [InlineData("rm -rf src", "rm is not in the read-only set")]
    [InlineData("cat a > b", "it writes 'b'")]
    [InlineData("ls; touch x", "touch")]
    [InlineData("echo $(touch x)", "substitution")]
    [InlineData("git commit -m x", "git commit")]
    [InlineData("find . -delete", "find -delete removes files")]
    [InlineData("env rm x", "rm")]
    [InlineData("sort -o out.txt in.txt", "sort -o writes a file")]
    [InlineData("find . -fprintf out.txt %p", "find -fprintf writes a file")]
    [InlineData("", "the command is empty")]
    public async Task ForReadOnlyAgent_ACommandThatMayWrite_IsRefusedBeforeTheHooks(string command, string why)
    {
        var checker = Checker();
        checker.AddSessionRule(PermissionBehavior.Allow, "Bash");
        var (hooks, events) = Hooks();
        using var gate = new ToolCallGate(checker, new ToolCallGateOptions { Hooks = hooks });

        var result = await gate.ForReadOnlyAgent(Cwd, Path.Combine(Cwd, "home")).AuthorizeAsync("Bash", Command(command), Ct);

        Assert.False(result.Allowed);
        Assert.Contains(why, result.Reason, StringComparison.Ordinal);
        Assert.Empty(events);
    }

    [Fact]
    public async Task ForReadOnlyAgent_AToolThatDeclaresItWrites_IsRefused()
    {
        var registry = new ToolRegistry();
        registry.RegisterMany(BuiltInTools.CreateFileTools(new FileReadTracker()));
        var checker = Checker();
        checker.AddSessionRule(PermissionBehavior.Allow, "Write");
        using var gate = new ToolCallGate(checker, new ToolCallGateOptions { Tools = registry });

        var result = await gate.ForReadOnlyAgent(Cwd, Cwd).AuthorizeAsync("Write", Args($$"""{"file_path": "{{Cwd}}/x", "content": "y"}"""), Ct);

        Assert.False(result.Allowed);
        Assert.Contains("read-only", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForReadOnlyAgent_OverAnotherAuthorizer_RefusesWritingCommandsAndPassesTheRest()
    {
        var inner = new Recording();

        var refused = await ToolCallGate.ForReadOnlyAgent(inner, Cwd, Cwd).AuthorizeAsync("Bash", Command("rm x"), Ct);
        var passed = await ToolCallGate.ForReadOnlyAgent(inner, Cwd, Cwd).AuthorizeAsync("Read", Args("""{"file_path": "/a"}"""), Ct);

        Assert.False(refused.Allowed);
        Assert.Equal("inner", passed.Reason);
        Assert.Equal(["Read"], inner.Seen);
    }

    private sealed class Recording : IToolCallAuthorizer
    {
        public List<string> Seen { get; } = [];

        public ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
        {
            Seen.Add(toolName);
            return ValueTask.FromResult(ToolCallAuthorization.Allow("inner"));
        }
    }

    private sealed class DeclaringTool : ITool, IPermissionFactsDescriber
    {
        public string Name => "Read";

        public string Description => "reads its target";

        public ToolCategory Category => ToolCategory.File;

        public ToolSchema Schema => ToolSchema.Empty;

        public PermissionFacts DescribePermissions(JsonElement arguments) => new() { Path = PermissionFacts.Argument(arguments, "target"), ReadOnly = true };

        public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) => Task.FromResult(ToolResult.Ok(""));
    }

    private sealed class CountingPrompt(bool allow) : IPermissionPrompt
    {
        public int Questions;

        public ConcurrentQueue<string> Reasons { get; } = new();

        public ValueTask<ToolCallAuthorization> AskAsync(string toolName, JsonElement arguments, PermissionDecision decision, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Questions);
            Reasons.Enqueue(decision.Reason);
            return ValueTask.FromResult(allow ? ToolCallAuthorization.Allow("user said yes") : ToolCallAuthorization.Deny("user said no"));
        }
    }

    /// <summary>Answers "always allow" by adding a session rule, as the interactive prompt does.</summary>
    private sealed class AlwaysAllowPrompt(PermissionChecker checker) : IPermissionPrompt
    {
        private int _inside;

        public int Questions;

        public int MaxConcurrent;

        public async ValueTask<ToolCallAuthorization> AskAsync(string toolName, JsonElement arguments, PermissionDecision decision, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inside);
            MaxConcurrent = Math.Max(MaxConcurrent, now);
            Interlocked.Increment(ref Questions);
            await Task.Yield();
            checker.AddSessionRule(PermissionBehavior.Allow, "Bash(npm test)");
            Interlocked.Decrement(ref _inside);
            return ToolCallAuthorization.Allow("always allowed");
        }
    }
}
