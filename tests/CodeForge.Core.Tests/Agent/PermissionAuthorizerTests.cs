using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tests.Agent;

public sealed class PermissionAuthorizerTests
{
    private static readonly string Cwd = Path.Combine(Path.GetTempPath(), "forge-auth-project");

    private static JsonElement Args(string json) => JsonElement.Parse(json);

    private static PermissionChecker Checker() => new(Cwd, Path.Combine(Path.GetTempPath(), "forge-auth-home"));

    [Fact]
    public async Task Authorize_WhenRulesAllow_AllowsWithoutAsking()
    {
        var prompt = new CountingPrompt(allow: false);
        using var gate = new PermissionAuthorizer(Checker(), prompt);

        var verdict = await gate.AuthorizeAsync("Read", Args($$"""{"file_path": "{{Cwd}}/a.txt"}"""), TestContext.Current.CancellationToken);

        Assert.True(verdict.Allowed);
        Assert.Equal(0, prompt.Questions);
    }

    [Fact]
    public async Task Authorize_WhenRulesDeny_DeniesWithoutAsking()
    {
        var checker = Checker();
        checker.AddSessionRule(PermissionBehavior.Deny, "Bash(git push *)");
        var prompt = new CountingPrompt(allow: true);

        using var gate = new PermissionAuthorizer(checker, prompt);
        var verdict = await gate.AuthorizeAsync("Bash", Args("""{"command": "git push origin main"}"""), TestContext.Current.CancellationToken);

        Assert.False(verdict.Allowed);
        Assert.Equal(0, prompt.Questions);
    }

    [Fact]
    public async Task Authorize_WhenRulesAskAndThereIsNoPrompt_DeniesAndSaysHowToAllow()
    {
        using var gate = new PermissionAuthorizer(Checker());
        var verdict = await gate.AuthorizeAsync("Bash", Args("""{"command": "make build"}"""), TestContext.Current.CancellationToken);

        Assert.False(verdict.Allowed);
        Assert.Contains("--allowedTools", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_WhenSeveralCallsAsk_ShowsOnePromptAtATimeAndRechecksAfterAnAlwaysAllow()
    {
        var checker = Checker();
        var prompt = new AlwaysAllowPrompt(checker);
        using var gate = new PermissionAuthorizer(checker, prompt);
        var args = Args("""{"command": "npm test"}""");

        var verdicts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            gate.AuthorizeAsync("Bash", args, TestContext.Current.CancellationToken).AsTask()));

        Assert.All(verdicts, v => Assert.True(v.Allowed));
        Assert.Equal(1, prompt.Questions);
        Assert.Equal(1, prompt.MaxConcurrent);
    }

    private sealed class CountingPrompt(bool allow) : IPermissionPrompt
    {
        public int Questions;

        public ValueTask<ToolCallAuthorization> AskAsync(string toolName, JsonElement arguments, PermissionDecision decision, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Questions);
            return ValueTask.FromResult(allow ? ToolCallAuthorization.Allow("user said yes") : ToolCallAuthorization.Deny("user said no"));
        }
    }

    /// <summary>Answers "always allow" by adding a session rule, as the interactive prompt will.</summary>
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
