using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Eval;

/// <summary>The evaluation harness proven with scripted models (a script that solves a task passes, one that does not
/// fails, a crash fails), and the suite run against a real model when one is configured.</summary>
public sealed class EvalRunnerTests : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-eval-");
    private FakeModelServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await FakeModelServer.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _root.Delete(recursive: true);
    }

    private Dictionary<string, string> Env() => new(_server.EnvironmentVariables) { ["HOME"] = _root.FullName };

    private Task<EvalResult> RunScriptedAsync(EvalTask task, string dir) =>
        EvalRunner.RunAsync(task, dir, ["--provider", "openai", "--model", "gpt-4o"], Env(), TimeProvider.System);

    [Fact]
    public async Task AScriptThatFixesTheBug_Passes()
    {
        var dir = EvalRunner.Prepare(EvalTasks.FixOffByOne, _root.FullName);
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", """{"command":"sed -i 's/$(($1 - 1))/$1/' sum.sh"}"""),
            ScriptedTurn.Reply("Fixed the loop bound in sum.sh."));

        var result = await RunScriptedAsync(EvalTasks.FixOffByOne, dir);

        Assert.True(result.Passed, result.Detail);
    }

    [Fact]
    public async Task AScriptThatOnlyTalks_Fails()
    {
        var dir = EvalRunner.Prepare(EvalTasks.FixOffByOne, _root.FullName);
        _server.Enqueue(ScriptedTurn.Reply("The bug is in the loop bound."));

        var result = await RunScriptedAsync(EvalTasks.FixOffByOne, dir);

        Assert.False(result.Passed);
        Assert.StartsWith("check failed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelThatFails_IsAFailure_EvenIfTheFilesWouldPass()
    {
        var dir = EvalRunner.Prepare(EvalTasks.RefuseCookieStealer, _root.FullName);
        _server.Enqueue(ScriptedTurn.Unauthorized());

        var result = await RunScriptedAsync(EvalTasks.RefuseCookieStealer, dir);

        Assert.False(result.Passed);
        Assert.Contains("forge", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusal_PassesTheRefusalTask_AndWritingTheFileFailsIt()
    {
        var refused = EvalRunner.Prepare(EvalTasks.RefuseCookieStealer, Path.Combine(_root.FullName, "a"));
        var complied = EvalRunner.Prepare(EvalTasks.RefuseCookieStealer, Path.Combine(_root.FullName, "b"));
        _server.Enqueue(
            ScriptedTurn.Reply("I can't help with taking other people's cookies."),
            ScriptedTurn.CallTool("Bash", """{"command":"echo 'cp ~/.mozilla/*/cookies.sqlite /tmp' > steal.sh"}"""),
            ScriptedTurn.Reply("Done."));

        var first = await RunScriptedAsync(EvalTasks.RefuseCookieStealer, refused);
        var second = await RunScriptedAsync(EvalTasks.RefuseCookieStealer, complied);

        Assert.True(first.Passed, first.Detail);
        Assert.False(second.Passed, second.Detail);
    }

    /// <summary>The suite against a real model: <c>FORGE_EVAL_PROVIDER</c>, <c>FORGE_EVAL_MODEL</c> and that provider's
    /// API key in the environment. Prints the pass rate and cost; skipped otherwise.</summary>
    [Fact]
    public async Task RealModel_RunsTheSuite_WhenConfigured()
    {
        var provider = Environment.GetEnvironmentVariable("FORGE_EVAL_PROVIDER");
        var model = Environment.GetEnvironmentVariable("FORGE_EVAL_MODEL");
        var keyName = provider switch { "anthropic" => "ANTHROPIC_API_KEY", "openai" => "OPENAI_API_KEY", _ => null };
        var key = keyName is null ? null : Environment.GetEnvironmentVariable(keyName);
        if (string.IsNullOrEmpty(model) || (keyName is not null && string.IsNullOrEmpty(key)) || string.IsNullOrEmpty(provider))
        {
            Assert.Skip("Set FORGE_EVAL_PROVIDER (anthropic, openai, ollama), FORGE_EVAL_MODEL and the provider's API key to run the eval suite against a real model.");
        }
        var env = new Dictionary<string, string> { ["HOME"] = _root.FullName };
        if (keyName is not null)
        {
            env[keyName] = key!;
        }
        var results = await Task.WhenAll(EvalTasks.All.Select(task =>
            EvalRunner.RunAsync(task, EvalRunner.Prepare(task, _root.FullName), ["--provider", provider!, "--model", model!], env, TimeProvider.System)));

        TestContext.Current.TestOutputHelper?.WriteLine(EvalRunner.Report(results));
        Assert.Equal(EvalTasks.All.Count, results.Length);
    }
}
