using System.Collections.Concurrent;
using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tools;

namespace CodeForge.Concurrency.Tests.Skills;

#pragma warning disable VSTHRD002 // The workers are dedicated threads released by one barrier; no synchronization context.

/// <summary>
/// A skill's or a plugin agent's body is read on first use (<see cref="MarkdownBody"/>): many threads activating the
/// same skill, or spawning the same agent, for the first time at once read the file once and all get that one body.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class MarkdownBodyConcurrencyTests : IDisposable
{
    private const int Threads = 16;
    private readonly string _root = Directory.CreateTempSubdirectory("forge-body-conc-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Activate_FromManyThreadsAtOnce_ReadsTheSkillBodyOnce()
    {
        var file = Write("skills/deploy/SKILL.md", "---\nname: deploy\ndescription: Deploys.\n---\nDeploy with care.\n");
        // Every worker signals just before it activates; the first read holds the body's lock until all have signalled,
        // so every other worker asks for the body while that read is in progress.
        using var arrived = new CountdownEvent(Threads);
        var body = new MarkdownBody(file, text =>
        {
            arrived.Wait();
            return text.Trim();
        });
        var registry = new SkillRegistry();
        registry.Register(SkillDefinition.FromFile(new SkillMetadata("deploy", "Deploys."), body) with
        {
            File = new SkillFileInfo { Directory = Path.GetDirectoryName(file)! },
        });
        var tool = new SkillTool(registry, () => new SubstitutionContext("s-1", _root));
        var context = new ToolContext(_root);
        var results = new ConcurrentBag<ToolResult>();

        Stress.RunThreads(Threads, _ =>
        {
            using var args = JsonDocument.Parse("""{"skill":"deploy"}""");
            arrived.Signal();
            results.Add(tool.ExecuteAsync(args.RootElement, context, CancellationToken.None).GetAwaiter().GetResult());
        });

        Assert.Equal(1, body.Reads);
        Assert.Equal(Threads, results.Count);
        Assert.All(results, r =>
        {
            Assert.True(r.Success, r.Error);
            Assert.Contains("Deploy with care.", r.Output, StringComparison.Ordinal);
        });
        Assert.Equal("deploy", registry.ActiveSkill?.Name);
    }

    [Fact]
    public void SpawnAPluginAgent_FromManyThreadsAtOnce_ReadsItsFileOnceAndGivesEveryoneTheSamePrompt()
    {
        Write("plugin/.claude-plugin/plugin.json", """{"name": "p"}""");
        Write("plugin/agents/helper.md", "---\ndescription: Helps.\n---\nHelp from ${CLAUDE_PLUGIN_ROOT}.\n");
        var agent = Assert.Single(PluginReader.Read(Path.Combine(_root, "plugin")).Plugin!.Agents);
        var prompts = new ConcurrentBag<string>();

        Stress.RunThreads(Threads, _ => prompts.Add(agent.ToDefinition().SystemPrompt));

        Assert.Equal(1, agent.PromptSource!.Reads);
        var first = prompts.First();
        Assert.Equal($"Help from {Path.Combine(_root, "plugin")}.", first);
        Assert.All(prompts, p => Assert.Same(first, p));
    }
}
