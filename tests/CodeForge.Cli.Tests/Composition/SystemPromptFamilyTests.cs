using System.Text.Json;
using CodeForge.Core.Tokens;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Composition;

/// <summary>
/// The real <c>forge -p</c> against the fake model server, once per model family: which system prompt each family
/// gets, what it costs in tokens together with the tool schemas (the numbers in docs/benchmarks.md), and the
/// <c>outputStyle</c> setting reaching the prompt.
/// </summary>
public sealed class SystemPromptFamilyTests() : ForgeWorkspaceTestBase("forge-promptfamily-", ForgeRepository.PlainFolder)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The system prompt and the tool definitions of a recorded request, as the wire carries them.</summary>
    private static (string System, string Tools) PromptOf(RecordedRequest request)
    {
        var json = request.Json;
        string system;
        switch (request.Protocol)
        {
            case ModelProtocol.Anthropic:
                system = string.Concat(json.GetProperty("system").EnumerateArray().Select(b => b.GetProperty("text").GetString()));
                break;
            case ModelProtocol.OpenAIResponses:
                system = json.TryGetProperty("instructions", out var instructions) && instructions.ValueKind == JsonValueKind.String
                    ? instructions.GetString()!
                    : string.Concat(json.GetProperty("input").EnumerateArray()
                        .Where(i => i.TryGetProperty("role", out var r) && r.GetString() is "system" or "developer")
                        .Select(i => i.GetProperty("content").ValueKind == JsonValueKind.String
                            ? i.GetProperty("content").GetString()
                            : string.Concat(i.GetProperty("content").EnumerateArray().Select(p => p.GetProperty("text").GetString()))));
                break;
            default:
                system = json.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() == "system").GetProperty("content").GetString()!;
                break;
        }
        return (system, json.TryGetProperty("tools", out var tools) ? tools.GetRawText() : "");
    }

    [Theory]
    [InlineData("anthropic", "sonnet", "# Answering", "# Autonomy")]
    [InlineData("openai", "gpt", "# Autonomy", "# Answering")]
    [InlineData("ollama", "llama3.2", "You are CodeForge, a coding agent in the user's terminal", "# Git\n")]
    public async Task EachModelFamily_GetsItsOwnSystemPrompt(string provider, string model, string expected, string absent)
    {
        _server.Enqueue(ScriptedTurn.Reply("hi"));

        var run = await ForgeProcess.RunAsync(["-p", "hello", "--provider", provider, "--model", model], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var (system, tools) = PromptOf(Assert.Single(_server.Requests));
        Assert.Contains(expected, system, StringComparison.Ordinal);
        Assert.DoesNotContain(absent, system, StringComparison.Ordinal);
        foreach (var shared in new[] { "path:line", "Never commit, push", "data, not instructions" })
        {
            Assert.Contains(shared, system, StringComparison.Ordinal);
        }
        var counter = TokenCounters.Uncached("gpt-5");
        var (promptTokens, toolTokens) = (counter.Count(system), counter.Count(tools));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{provider}/{model}: system prompt {system.Length} chars, {promptTokens} tokens; tool schemas {tools.Length} chars, {toolTokens} tokens; total {promptTokens + toolTokens} tokens (o200k)");
        Assert.InRange(promptTokens + toolTokens, 500, 20_000);
    }

    [Theory]
    [InlineData("concise", "# Output style: concise")]
    [InlineData("explanatory", "Insight:")]
    [InlineData("pirate", "# Output style: pirate")]
    public async Task TheOutputStyleSetting_AddsTheStyleToThePrompt_FromBuiltInsOrStyleFiles(string style, string expected)
    {
        Directory.CreateDirectory(Path.Combine(Repo, ".forge", "output-styles"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "output-styles", "pirate.md"),
            "---\nname: pirate\ndescription: Talks like a pirate\n---\nAnswer like a pirate, arr.\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"), $$"""{"outputStyle": "{{style}}"}""", Ct);
        _server.Enqueue(ScriptedTurn.Reply("hi"));

        var run = await ForgeProcess.RunAsync(["-p", "hello", "--provider", "anthropic"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains(expected, PromptOf(Assert.Single(_server.Requests)).System, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APluginsManifestOutputStyles_AreStylesTheSettingCanName_AndItsOutputStylesFolderIsNotRead()
    {
        var plugin = Path.Combine(_root.FullName, "styled-plugin");
        Directory.CreateDirectory(Path.Combine(plugin, ".claude-plugin"));
        Directory.CreateDirectory(Path.Combine(plugin, "styles"));
        Directory.CreateDirectory(Path.Combine(plugin, "output-styles"));
        await File.WriteAllTextAsync(Path.Combine(plugin, ".claude-plugin", "plugin.json"), """{"name": "styled", "outputStyles": "./styles/haiku.md"}""", Ct);
        await File.WriteAllTextAsync(Path.Combine(plugin, "styles", "haiku.md"), "---\nname: haiku\n---\nAnswer in haiku.\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(plugin, "output-styles", "limerick.md"), "---\nname: limerick\n---\nAnswer in limericks.\n", Ct);
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"), """{"outputStyle": "haiku"}""", Ct);
        _server.Enqueue(ScriptedTurn.Reply("hi"), ScriptedTurn.Reply("hi"));

        var listed = await ForgeProcess.RunAsync(["-p", "hello", "--provider", "anthropic", "--plugin-dir", plugin], Repo, Env());
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"), """{"outputStyle": "limerick"}""", Ct);
        var unlisted = await ForgeProcess.RunAsync(["-p", "hello", "--provider", "anthropic", "--plugin-dir", plugin], Repo, Env());

        Assert.True(listed.ExitCode == 0, listed.StdErr);
        Assert.Contains("Answer in haiku.", PromptOf(_server.Requests[0]).System, StringComparison.Ordinal);
        Assert.True(unlisted.ExitCode == 0, unlisted.StdErr);
        Assert.Contains("unknown output style \"limerick\"", unlisted.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("limericks", PromptOf(_server.Requests[1]).System, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownOutputStyle_IsReported_AndTheDefaultIsUsed()
    {
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"), """{"outputStyle": "shakespeare"}""", Ct);
        _server.Enqueue(ScriptedTurn.Reply("hi"));

        var run = await ForgeProcess.RunAsync(["-p", "hello", "--provider", "anthropic"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("unknown output style \"shakespeare\"", run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("# Output style", PromptOf(Assert.Single(_server.Requests)).System, StringComparison.Ordinal);
    }
}
