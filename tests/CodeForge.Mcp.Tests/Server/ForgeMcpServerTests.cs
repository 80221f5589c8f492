using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;
using CodeForge.Mcp.Server;
using ModelContextProtocol.Protocol;

namespace CodeForge.Mcp.Tests.Server;

public sealed class ForgeMcpServerTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-mcp-serve-");
    private readonly ToolExecutor _executor;
    private readonly PermissionChecker _checker;

    public ForgeMcpServerTests()
    {
        var registry = new ToolRegistry();
        registry.RegisterMany(BuiltInTools.CreateFileTools(new FileReadTracker()));
        _executor = new ToolExecutor(registry);
        _checker = new PermissionChecker(_root.FullName, _root.FullName);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private Task<CallToolResult> Call(string name, string json) =>
        ForgeMcpServer.CallToolAsync(_executor, new ToolContext(_root.FullName), new ToolCallGate(_checker, new ToolCallGateOptions { Tools = _executor.Registry, CannotAsk = ForgeMcpServer.CannotAsk }), new CallToolRequestParams
        {
            Name = name,
            Arguments = JsonElement.Parse(json).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
        }, TestContext.Current.CancellationToken);

    private static string Text(CallToolResult r) => Assert.IsType<TextContentBlock>(Assert.Single(r.Content)).Text;

    [Fact]
    public void ListTools_OffersEveryRegisteredToolWithItsSchema()
    {
        var tools = ForgeMcpServer.ListTools(_executor.Registry).Tools;

        Assert.Equal(_executor.Registry.ListAll().Select(t => t.Name), tools.Select(t => t.Name));
        Assert.All(tools, t => Assert.Equal("object", t.InputSchema.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task CallTool_AllowedRead_ReturnsTheFile()
    {
        var file = Path.Combine(_root.FullName, "a.txt");
        await File.WriteAllTextAsync(file, "hello mcp", TestContext.Current.CancellationToken);

        var result = await Call("Read", $$"""{"file_path": {{JsonSerializer.Serialize(file, ServerTestJson.Default.String)}}}""");

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("hello mcp", Text(result));
    }

    [Fact]
    public async Task CallTool_WriteWithoutAllowRule_IsDeniedBecauseNoOneCanBeAsked()
    {
        var file = Path.Combine(_root.FullName, "b.txt");

        var result = await Call("Write", $$"""{"file_path": {{JsonSerializer.Serialize(file, ServerTestJson.Default.String)}}, "content": "x"}""");

        Assert.True(result.IsError);
        Assert.Contains("cannot ask", Text(result));
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task CallTool_WriteWithAllowRule_Writes()
    {
        _checker.ReplaceLayer(PermissionLayer.Project, PermissionRuleSet.Load(PermissionLayer.Project, ["Write"], [], []).Rules);
        var file = Path.Combine(_root.FullName, "c.txt");

        var result = await Call("Write", $$"""{"file_path": {{JsonSerializer.Serialize(file, ServerTestJson.Default.String)}}, "content": "written"}""");

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("written", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CallTool_DenyRule_Wins()
    {
        _checker.ReplaceLayer(PermissionLayer.Project, PermissionRuleSet.Load(PermissionLayer.Project, [], [], ["Read"]).Rules);

        var result = await Call("Read", """{"file_path": "/etc/hostname"}""");

        Assert.True(result.IsError);
        Assert.Contains("Permission denied for Read", Text(result));
    }

    [Fact]
    public async Task CallTool_UnknownTool_NamesTheAvailableOnes()
    {
        var result = await Call("Bash", "{}");

        Assert.True(result.IsError);
        Assert.Contains("Unknown tool \"Bash\"", Text(result));
        Assert.Contains("Read", Text(result));
    }

    [Fact]
    public async Task CallTool_InvalidArguments_AreAToolError()
    {
        var result = await Call("Read", "{}");

        Assert.True(result.IsError);
        Assert.Contains("file_path", Text(result));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ServerTestJson : System.Text.Json.Serialization.JsonSerializerContext;
