using System.Text.Json;
using CodeForge.Cli.Tests.Composition;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests;

/// <summary>
/// <c>forge plugin install</c> and <c>forge -p</c> over marketplaces and plugins as they are published (the pinned files
/// and same-shape fixtures of tests/Fixtures/ClaudePlugins), through the real process and the fake model server.
/// </summary>
public sealed class PublicPluginTests() : ForgeWorkspaceTestBase("forge-public-plugins-", repoFolder: "work")
{
    private string Work => Repo;

    private string Fixture(string name) => PluginFixtures.CopyTo(name, Path.Combine(_root.FullName, name));

    private static string Args(params (string Key, string Value)[] pairs) => JsonSerializer.Serialize(pairs.ToDictionary(p => p.Key, p => p.Value));

    [Fact]
    public async Task InstallDocumentSkills_ThenTheModelsSkillCallByShortName_RunsThePluginSkill_WithAQuietStderr()
    {
        var market = Fixture("skills-shaped");

        var add = await ForgeProcess.RunAsync(["plugin", "marketplace", "add", market], Work, Env());
        var install = await ForgeProcess.RunAsync(["plugin", "install", "document-skills@skills-fixture"], Work, Env());
        var list = await ForgeProcess.RunAsync(["plugin", "list"], Work, Env());

        Assert.True(add.ExitCode == 0, add.StdErr);
        Assert.True(install.ExitCode == 0, install.StdErr);
        Assert.Contains("Installed document-skills@skills-fixture", install.StdOut, StringComparison.Ordinal);
        Assert.Contains("document-skills@skills-fixture  -  enabled  Document processing: spreadsheets and PDF", list.StdOut, StringComparison.Ordinal);
        Assert.Contains("    skills: document-skills:xlsx, document-skills:pdf\n", list.StdOut.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        _server.Enqueue(
            ScriptedTurn.CallTool("Skill", Args(("skill", "pdf"), ("args", "report.pdf")), "call_s"),
            ScriptedTurn.Reply("Merged."));
        var run = await ForgeProcess.RunAsync(["-p", "merge report.pdf", "--provider", "openai"], Work, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("", run.StdErr);
        Assert.Contains("<name>document-skills:pdf</name>", ExtensionHostTests.Text(_server.Requests[0]), StringComparison.Ordinal);
        Assert.DoesNotContain("unlisted", ExtensionHostTests.Text(_server.Requests[0]), StringComparison.Ordinal);
        var installedRoot = Path.Combine(Home, ".forge", "plugins", "skills-fixture", "document-skills");
        Assert.Contains($"Work on the PDF named report.pdf with the scripts in {installedRoot}/skills/pdf.", ExtensionHostTests.Text(_server.Requests[1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallFromTheOfficialMarketplace_AnAgentThatIsNotYaml_IsATaskSubagentTypeByItsShortName()
    {
        var market = Fixture("official");
        Assert.Equal(0, (await ForgeProcess.RunAsync(["plugin", "marketplace", "add", market], Work, Env())).ExitCode);

        var install = await ForgeProcess.RunAsync(["plugin", "install", "pr-review-toolkit@claude-plugins-official"], Work, Env());
        var remote = await ForgeProcess.RunAsync(["plugin", "install", "agentforce-adlc@claude-plugins-official"], Work, Env());

        Assert.True(install.ExitCode == 0, install.StdErr);
        Assert.Equal(1, remote.ExitCode);
        Assert.Contains("comes from git https://github.com/SalesforceAIResearch/agentforce-adlc.git@d16d14ac7f817336e21bf9392cf51b6cac6194d8, which forge cannot fetch", remote.StdErr, StringComparison.Ordinal);

        _server.Enqueue(
            ScriptedTurn.CallTool("Task", Args(("description", "hunt"), ("prompt", "Check the error handling in api.cs"), ("subagent_type", "silent-failure-hunter")), "call_t"),
            ScriptedTurn.Reply("SUBAGENT: two empty catch blocks"),
            ScriptedTurn.Reply("Found two empty catch blocks."));
        var run = await ForgeProcess.RunAsync(["-p", "review the error handling", "--provider", "openai", "--model", "gpt-4o"], Work, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.True(_server.Requests.Count == 3, run.StdOut + run.StdErr + _server.Requests[^1].Json.GetProperty("messages").ToString()[^1500..]);
        Assert.Equal("", run.StdErr);
        Assert.Contains("pr-review-toolkit:silent-failure-hunter", _server.Requests[0].Body, StringComparison.Ordinal);
        var child = _server.Requests[1].Body;
        Assert.Contains("Check the error handling in api.cs", child, StringComparison.Ordinal);
        Assert.Contains("silent failures", child, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("SUBAGENT: two empty catch blocks", _server.Requests[2].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShortCommandName_AndTheSameShapesAsTheClaudeCodeRepository_WorkInASession()
    {
        var shapes = Fixture("shapes");
        var install = await ForgeProcess.RunAsync(["plugin", "install", Path.Combine(shapes, "agent-shapes")], Work, Env());
        var validate = await ForgeProcess.RunAsync(["plugin", "validate", Path.Combine(shapes, "agent-shapes")], Work, Env());
        Assert.True(install.ExitCode == 0, install.StdErr);
        Assert.Contains("Plugin 'agent-shapes' is valid: 1 skill(s), 1 command(s), 3 agent(s)", validate.StdOut, StringComparison.Ordinal);
        Assert.Equal("warning: name 'Writing Shape Rules' cannot be used (spaces, ':' or control characters); using the directory name 'writing-rules'",
            Assert.Single(validate.StdErr.Trim().Split('\n')).Split(": ", 3)[2]);

        _server.Enqueue(ScriptedTurn.Reply("ok"));
        var run = await ForgeProcess.RunAsync(["-p", "/shape no-rm it-deletes-things", "--provider", "openai"], Work, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("", run.StdErr);
        Assert.Contains("Create the rule no-rm because it-deletes-things.", ExtensionHostTests.Text(Assert.Single(_server.Requests)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APluginWithProblems_PrintsOneLine_AndTheDetailsWithVerbose()
    {
        var shapes = Fixture("shapes");
        Directory.CreateDirectory(Path.Combine(shapes, "agent-shapes", "skills", "broken"));
        await File.WriteAllTextAsync(Path.Combine(shapes, "agent-shapes", "skills", "broken", "SKILL.md"), "---\nname: broken\n", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(shapes, "agent-shapes", "skills", "nodesc"));
        await File.WriteAllTextAsync(Path.Combine(shapes, "agent-shapes", "skills", "nodesc", "SKILL.md"), "---\nname: nodesc\n---\n", TestContext.Current.CancellationToken);
        Assert.Equal(0, (await ForgeProcess.RunAsync(["plugin", "install", Path.Combine(shapes, "agent-shapes")], Work, Env())).ExitCode);
        _server.Enqueue(ScriptedTurn.Reply("ok"), ScriptedTurn.Reply("ok"));

        var quiet = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai"], Work, Env());
        var verbose = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai", "--verbose"], Work, Env());

        Assert.True(quiet.ExitCode == 0, quiet.StdErr);
        Assert.Equal("forge: 1 plugin has problems (agent-shapes): run forge plugin validate <dir>, or add --verbose", quiet.StdErr.Trim());
        Assert.Contains("broken/SKILL.md:1: the YAML frontmatter opened here is never closed", verbose.StdErr, StringComparison.Ordinal);
        Assert.Contains("nodesc/SKILL.md:1: warning: no 'description': loaded as a slash command only", verbose.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProjectSettings_ExtraKnownMarketplacesAndUninstall_WorkAsInClaudeCode()
    {
        var market = Fixture("skills-shaped");
        Directory.CreateDirectory(Path.Combine(Work, ".claude"));
        await File.WriteAllTextAsync(Path.Combine(Work, ".claude", "settings.json"), $$"""
            { "extraKnownMarketplaces": { "skills-fixture": { "source": { "source": "directory", "path": "{{market}}" } } } }
            """, TestContext.Current.CancellationToken);

        var marketplaces = await ForgeProcess.RunAsync(["plugin", "marketplace", "list"], Work, Env());
        var install = await ForgeProcess.RunAsync(["plugin", "install", "example-skills@skills-fixture"], Work, Env());
        var uninstall = await ForgeProcess.RunAsync(["plugin", "uninstall", "example-skills"], Work, Env());
        var list = await ForgeProcess.RunAsync(["plugin", "list"], Work, Env());

        Assert.Contains($"skills-fixture  {market}  from {Path.Combine(Work, ".claude", "settings.json")}", marketplaces.StdOut, StringComparison.Ordinal);
        Assert.True(install.ExitCode == 0, install.StdErr);
        Assert.True(uninstall.ExitCode == 0, uninstall.StdErr);
        Assert.Contains("Uninstalled example-skills@skills-fixture.", uninstall.StdOut, StringComparison.Ordinal);
        Assert.Contains("No plugins installed.", list.StdOut, StringComparison.Ordinal);
        using var settings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Home, ".forge", "settings.json"), TestContext.Current.CancellationToken));
        Assert.False(settings.RootElement.GetProperty("enabledPlugins").TryGetProperty("example-skills@skills-fixture", out _));
    }
}
