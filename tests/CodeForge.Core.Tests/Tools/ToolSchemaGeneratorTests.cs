using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Agent;
using CodeForge.Core.Shells;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Agent;
using CodeForge.Core.Todos;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;
using CodeForge.Core.Tools.Web;

namespace CodeForge.Core.Tests.Tools;

/// <summary>
/// Golden test of the schemas generated from the built-in tools' argument records: each must equal the one recorded in
/// <c>Tools/Schemas/&lt;tool&gt;.json</c>, captured from the hand-written parameter lists these records replaced, so any
/// change to what the model sees shows up here as a diff.
/// </summary>
/// <remarks>
/// The comparison is JSON equality (<see cref="JsonNode.DeepEquals"/>): key order inside an object is not significant
/// (the generator writes <c>description</c> before <c>type</c>; the hand-written code wrote it after), array order is.
/// Everything else the generator does differently is brought back to the recorded shape by
/// <see cref="ToolSchemaGenerator"/>: <c>["integer","null"]</c> for an optional argument becomes <c>"integer"</c>, the
/// <c>"default": null</c> of an optional record parameter is dropped, a <c>maximum</c>/<c>maxLength</c> of
/// <see cref="int.MaxValue"/> (no limit) is dropped, and an empty <c>required</c> list is written.
/// </remarks>
public sealed class ToolSchemaGeneratorTests : IAsyncDisposable
{
    private readonly ShellManager _shells = new();
    private readonly Dictionary<string, ITool> _tools;

    public ToolSchemaGeneratorTests()
    {
        var client = new RoutingChatClient((_, _, _) => throw new InvalidOperationException("no model in a schema test"));
        ITool[] tools =
        [
            .. BuiltInTools.CreateFileTools(new FileReadTracker()),
            .. BuiltInTools.CreateShellTools(_shells),
            BuiltInTools.CreateTodoTool(new TodoList()),
            .. WebTools.Create(cache: null, environment: _ => null),
            new SkillTool(new SkillRegistry()),
            new TaskTool(client, new ToolExecutor(), new ToolContext("/"), authorizer: null, new AgentCatalog(AgentDefinition.BuiltIn, [])),
        ];
        _tools = tools.ToDictionary(t => t.Name);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var tool in _tools.Values.OfType<IDisposable>())
        {
            tool.Dispose();
        }
        await _shells.DisposeAsync();
    }

    private static readonly string[] Names =
        ["Read", "Write", "Edit", "MultiEdit", "Glob", "Grep", "Bash", "BashOutput", "KillShell", "TodoWrite", "WebFetch", "WebSearch", "Skill", "Task"];

    public static TheoryData<string> ToolNames => new(Names);

    [Theory]
    [MemberData(nameof(ToolNames))]
    public void Generate_ForABuiltInTool_GivesTheSchemaTheModelHasAlwaysBeenSent(string tool)
    {
        var golden = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Tools", "Schemas", tool + ".json")));
        var generated = _tools[tool].Schema.ToJsonObject();

        Assert.True(JsonNode.DeepEquals(golden, generated),
            $"{tool}'s schema changed:\n{generated.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}");
    }

    [Fact]
    public void Generate_CoversEveryBuiltInTool()
    {
        Assert.Equal(Names.Order(StringComparer.Ordinal), _tools.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Generate_ForTask_ListsTheCatalogsAgentTypes()
    {
        var types = _tools["Task"].Schema.JsonSchema.GetProperty("properties").GetProperty("subagent_type").GetProperty("enum");

        Assert.Equal(AgentDefinition.BuiltIn.Select(a => a.Name), types.EnumerateArray().Select(e => e.GetString()));
    }
}
