using CodeForge.Core.Todos;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;
using static CodeForge.Core.Tests.Tools.BuiltIn.FileToolHarness;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class TodoWriteToolTests
{
    private readonly TodoList _list = new();
    private readonly ToolExecutor _executor;
    private readonly ToolContext _context = new(Path.GetTempPath());

    public TodoWriteToolTests()
    {
        var registry = new ToolRegistry();
        registry.Register(BuiltInTools.CreateTodoTool(_list));
        _executor = new ToolExecutor(registry);
    }

    private Task<ToolResult> RunAsync(string json) =>
        _executor.ExecuteAsync("TodoWrite", Json(json), _context, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Write_ReplacesTheWholeList()
    {
        await RunAsync("""{"todos": [{"content": "Old", "status": "pending", "activeForm": "Doing old"}]}""");

        var result = await RunAsync("""
            {"todos": [
              {"content": "Run tests", "status": "completed", "activeForm": "Running tests"},
              {"content": "Fix bug", "status": "in_progress", "activeForm": "Fixing bug"},
              {"content": "Ship", "status": "pending", "activeForm": "Shipping", "id": "3", "priority": "high"}
            ]}
            """);

        Assert.True(result.Success, result.Error);
        Assert.StartsWith("Todos have been modified successfully.", result.Output, StringComparison.Ordinal);
        var current = _list.Current;
        Assert.Equal(2, current.Version);
        Assert.Equal(
            [new TodoItem("Run tests", TodoStatus.Completed, "Running tests"), new TodoItem("Fix bug", TodoStatus.InProgress, "Fixing bug"),
             new TodoItem("Ship", TodoStatus.Pending, "Shipping", "3")],
            current.Items);
        Assert.Equal("[x] Run tests\n[~] Fixing bug\n[ ] Ship", current.Render());
        Assert.Equal(1, result.Metadata["in_progress"]);
    }

    [Fact]
    public async Task Write_ReportsTheListsVersionAndCountsInItsMetadata()
    {
        await RunAsync("""{"todos": [{"content": "Old", "status": "pending"}]}""");

        var result = await RunAsync("""
            {"todos": [
              {"content": "A", "status": "completed"}, {"content": "B", "status": "completed"},
              {"content": "C", "status": "in_progress"}, {"content": "D", "status": "pending"}, {"content": "E", "status": "pending"},
              {"content": "F", "status": "pending"}
            ]}
            """);

        Assert.Equal(2L, Convert.ToInt64(result.Metadata["version"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(6, result.Metadata["total"]);
        Assert.Equal(3, result.Metadata["pending"]);
        Assert.Equal(1, result.Metadata["in_progress"]);
        Assert.Equal(2, result.Metadata["completed"]);
    }

    [Fact]
    public async Task Write_AnEmptyList_ClearsIt()
    {
        await RunAsync("""{"todos": [{"content": "A", "status": "pending"}]}""");

        var result = await RunAsync("""{"todos": []}""");

        Assert.True(result.Success);
        Assert.Empty(_list.Current.Items);
    }

    [Fact]
    public async Task Write_WithTwoTasksInProgressOrDuplicateIds_IsSavedWithANote()
    {
        var result = await RunAsync("""
            {"todos": [{"content": "A", "status": "in_progress", "id": "1"}, {"content": "B", "status": "in_progress", "id": "1"}]}
            """);

        Assert.True(result.Success, result.Error);
        Assert.Contains("2 tasks are in_progress; keep exactly one", result.Output, StringComparison.Ordinal);
        Assert.Contains("ids are used more than once: 1", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, _list.Current.Items.Length);
    }

    [Theory]
    [InlineData("{}", "todos")]
    [InlineData("""{"todos": "buy milk"}""", "todos")]
    [InlineData("""{"todos": [{"content": "A", "status": "done"}]}""", "status")]
    [InlineData("""{"todos": [{"content": "", "status": "pending"}]}""", "content")]
    [InlineData("""{"todos": [{"status": "pending"}]}""", "content")]
    [InlineData("""{"todos": [42]}""", "todos")]
    public async Task Write_WithBadInput_IsAClearErrorAndLeavesTheListUnchanged(string json, string parameter)
    {
        await RunAsync("""{"todos": [{"content": "Keep", "status": "pending"}]}""");

        var result = await RunAsync(json);

        Assert.False(result.Success);
        Assert.Contains(parameter, result.Error, StringComparison.Ordinal);
        Assert.Equal("Keep", Assert.Single(_list.Current.Items).Content);
    }

    [Theory]
    [InlineData("""{"todos": [{"content": "A", "status": "finished"}]}""", "todos[0].status must be one of pending, in_progress, completed; got \"finished\"")]
    [InlineData("""{"todos": [{"content": "A", "status": "pending"}, {"content": " ", "status": "pending"}]}""", "todos[1].content must be a non-empty string")]
    [InlineData("""{"todos": [{"content": "A", "status": "pending", "activeForm": 5}]}""", "todos[0].activeForm must be a string")]
    [InlineData("""{"todos": {}}""", "'todos' must be an array")]
    public async Task Write_CalledDirectly_ValidatesItself(string json, string message)
    {
        var tool = new TodoWriteTool(_list);

        var result = await tool.ExecuteAsync(Json(json), _context, TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal(0, _list.Current.Version);
    }

    [Fact]
    public void DescribeAccess_TwoWritesOfOneListConflict_ButNotWithFileTools()
    {
        var tool = new TodoWriteTool(_list);
        var a = tool.DescribeAccess(Json("{}"), _context);

        Assert.True(a.ConflictsWith(tool.DescribeAccess(Json("{}"), _context)));
        Assert.False(a.ConflictsWith(ToolAccess.Writing(Path.Combine(Path.GetTempPath(), "x.txt"))));
        Assert.False(a.Exclusive);
    }
}
