using CodeForge.Cli.Interactive;
using CodeForge.Core.Permissions;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Testing;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class InteractivePermissionPromptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forge-prompt-").FullName;
    private readonly TestConsole _console = new();
    private readonly ScriptedKeySource _keys = new();
    private readonly KeyRouter _router;
    private readonly Screen _screen;
    private readonly PermissionChecker _checker;
    private readonly InteractivePermissionPrompt _prompt;
    private readonly FakeTimeProvider _time = new();
    private readonly UserWaitClock _userWait;

    public InteractivePermissionPromptTests()
    {
        _router = new KeyRouter(_keys);
        _screen = new Screen(_console.Width(100), interactiveTerminal: false);
        _checker = new PermissionChecker(_dir, _dir);
        _userWait = new UserWaitClock(_time);
        _prompt = new InteractivePermissionPrompt(_screen, _router, _checker, _dir, LocalSettings, userWait: _userWait);
    }

    private string LocalSettings => Path.Combine(_dir, ".forge", "settings.local.json");

    public void Dispose()
    {
        _router.Dispose();
        _screen.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Asks, and types the answer once the prompt has the key focus (keys typed earlier belong to the turn).</summary>
    private async Task<CodeForge.Core.Agent.ToolCallAuthorization> Ask(string command, Action answer)
    {
        var focused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnFocus(int depth)
        {
            if (depth == 1)
            {
                focused.TrySetResult();
            }
        }
        _router.FocusChanged += OnFocus;
        try
        {
            var asking = _prompt.AskAsync("Bash", FakeEngine.Args($$"""{"command":"{{command}}"}"""), PermissionDecision.Default("Bash"), Ct).AsTask();
            await focused.Task.WaitAsync(TimeSpan.FromMinutes(2), Ct);
            answer();
            return await asking.WaitAsync(TimeSpan.FromMinutes(2), Ct);
        }
        finally
        {
            _router.FocusChanged -= OnFocus;
        }
    }

    [Fact]
    public async Task AskAsync_WhenOneIsPressed_AllowsOnceOnly()
    {
        var answer = await Ask("npm test", () => _keys.Type("1"));

        Assert.True(answer.Allowed);
        Assert.Empty(_checker.SessionRules);
        Assert.Contains("npm test", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_CountsTheTimeTheQuestionWaitsAsTheUsersNotTheModels()
    {
        _time.Advance(TimeSpan.FromSeconds(5));

        await Ask("npm test", () =>
        {
            _time.Advance(TimeSpan.FromSeconds(45));
            _keys.Type("1");
        });
        _time.Advance(TimeSpan.FromSeconds(7));

        Assert.Equal(TimeSpan.FromSeconds(45), _userWait.Total);
    }

    [Fact]
    public async Task AskAsync_WhenAllowedForTheSession_AddsASessionRuleThatMatchesLaterCalls()
    {
        var answer = await Ask("npm test --watch", () =>
        {
            _keys.Press(ConsoleKey.DownArrow);
            _keys.Type("\n");
        });

        Assert.True(answer.Allowed);
        Assert.Equal("Bash(npm test:*)", Assert.Single(_checker.SessionRules).ToString());
        Assert.True(_checker.Check("Bash", FakeEngine.Args("""{"command":"npm test -- foo"}""")).IsAllowed);
        Assert.False(File.Exists(LocalSettings));
    }

    [Fact]
    public async Task AskAsync_WhenAlwaysAllowed_WritesTheRuleToTheLocalSettings()
    {
        var answer = await Ask("make build", () => _keys.Type("3"));

        Assert.True(answer.Allowed);
        var saved = await File.ReadAllTextAsync(LocalSettings, Ct);
        Assert.Contains("\"Bash(make build:*)\"", saved, StringComparison.Ordinal);
        Assert.Contains("\"allow\"", saved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_WhenDeniedWithAReason_TellsTheModelTheReason()
    {
        var answer = await Ask("rm -rf build", () => _keys.Type("4use the test script instead\n"));

        Assert.False(answer.Allowed);
        Assert.Contains("use the test script instead", answer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_WhenEscIsPressed_DeniesWithoutAReason()
    {
        var answer = await Ask("rm -rf build", () =>
        {
            _keys.Press(ConsoleKey.Escape, '\x1b');
            _keys.Type("\n");
        });

        Assert.False(answer.Allowed);
        Assert.Contains("denied", answer.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bash", """{"command":"git status"}""", "Bash(git status:*)")]
    [InlineData("Bash", """{"command":"ls -la"}""", "Bash(ls:*)")]
    [InlineData("Bash", """{"command":"cat a | grep b"}""", "Bash(cat a | grep b)")]
    [InlineData("Edit", """{"file_path":"/w/src/a.cs"}""", "Edit(./src/**)")]
    [InlineData("Write", """{"file_path":"/w/a.cs"}""", "Edit(./**)")]
    [InlineData("Write", """{"file_path":"/other/a.cs"}""", "Edit(//other/**)")]
    [InlineData("WebFetch", """{"url":"https://docs.example.com/x"}""", "WebFetch(domain:docs.example.com)")]
    [InlineData("mcp__gh__issue", """{}""", "mcp__gh__issue")]
    public void SuggestRule_IsNarrowEnoughToMeanWhatTheUserSaw(string tool, string args, string expected)
    {
        var rule = InteractivePermissionPrompt.SuggestRule(tool, FakeEngine.Args(args), "/w");

        Assert.Equal(expected, rule);
        Assert.Empty(PermissionRuleSet.Load(PermissionLayer.Session, [rule], [], []).Errors);
    }
}
