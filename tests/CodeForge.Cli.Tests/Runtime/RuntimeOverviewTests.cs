using System.Collections.Immutable;
using CodeForge.Cli.Runtime;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Hooks;
using CodeForge.Core.Permissions;
using CodeForge.Core.Todos;
using CodeForge.Mcp.Client;

namespace CodeForge.Cli.Tests.Runtime;

public sealed class RuntimeOverviewTests
{
    private static RuntimeOverview Overview(Func<IReadOnlyList<MemoryFile>>? memory = null) => new()
    {
        Model = "gpt-test",
        ProviderName = "OpenAI",
        Mode = PermissionMode.AcceptEdits,
        Settings = new SettingsSnapshot(new Settings { AdditionalDirectories = ["/extra"] },
            [new SettingsDiagnostic(new SettingsSource(SettingsScope.Project, "/repo/.forge/settings.json"), 4, "model", "expected a string")], 3),
        SessionId = "s-1",
        TranscriptPath = null,
        Todos = new TodoListSnapshot(2, [new TodoItem("write it", TodoStatus.Completed), new TodoItem("test it", TodoStatus.Pending)]),
        Skills = [new SkillSummary("review", "reviews a change")],
        Plugins = [new PluginSummary("tools", "/plugins/tools", ["tools:lint", "tools:fmt"])],
        Hooks = [KeyValuePair.Create("plugin:tools", ImmutableArray.Create(new HookDefinition(HookEvent.PreToolUse, HookMatcher.All, "check.sh", "hooks.json")))],
        McpServers = [new McpServerStatus("files", McpServerState.Failed, "exited with 1", [], 1)],
        MemoryFiles = new(memory ?? (() => [new MemoryFile("/repo/CLAUDE.md", "hello")])),
    };

    [Fact]
    public void Describe_Config_ShowsModelModeRuleCountsDirectoriesSessionAndEachSettingsProblem()
    {
        Assert.Equal(
        [
            "model: gpt-test (OpenAI)",
            "permission mode: acceptEdits",
            "rules: 0 allow, 0 ask, 0 deny",
            "additional directories: /extra",
            "session: s-1 (not saved)",
            "⚠ /repo/.forge/settings.json:4: error: model: expected a string",
        ], Overview().Describe("config"));
    }

    [Theory]
    [InlineData("todos", "[x] write it|[ ] test it")]
    [InlineData("skills", "review — reviews a change")]
    [InlineData("plugins", "tools (/plugins/tools) skills: tools:lint, tools:fmt")]
    [InlineData("hooks", "PreToolUse [plugin:tools] check.sh")]
    [InlineData("mcp", "files: Failed — exited with 1 (0 tools)")]
    [InlineData("memory", "/repo/CLAUDE.md (5 chars)")]
    [InlineData("agents", "No agents in this build.")]
    public void Describe_EachTopic_ListsWhatTheRuntimeHasLoaded(string topic, string expected) =>
        Assert.Equal(expected.Split('|'), Overview().Describe(topic));

    [Fact]
    public void Describe_ATopicOtherThanMemory_DoesNotReadTheMemoryFiles()
    {
        var reads = 0;
        var overview = Overview(() => { reads++; return []; });

        overview.Describe("config");
        overview.Describe("hooks");

        Assert.Equal(0, reads);
        Assert.Empty(overview.Describe("memory"));
        Assert.Equal(1, reads);
    }
}
