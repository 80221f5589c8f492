using CodeForge.Core.Todos;

namespace CodeForge.Core.Tests.Todos;

public sealed class TodoListTests
{
    private static TodoItem Item(string content, TodoStatus status = TodoStatus.Pending) => new(content, status);

    [Fact]
    public void Replace_PublishesANewVersionEachTime()
    {
        var list = new TodoList();

        var first = list.Replace([Item("a")]);
        var second = list.Replace([Item("b"), Item("c")]);

        Assert.Equal(0, TodoListSnapshot.Empty.Version);
        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Same(second, list.Current);
        Assert.Equal(["a"], first.Items.Select(i => i.Content));
    }

    [Fact]
    public void Replace_WithANullItem_Throws()
    {
        var list = new TodoList();

        Assert.Throws<ArgumentException>(() => list.Replace([Item("a"), null!]));
        Assert.Equal(0, list.Current.Version);
    }

    [Fact]
    public void Subscribe_DeliversEveryChangeInOrder_UntilDisposed()
    {
        var list = new TodoList();
        var seen = new List<long>();
        var subscription = list.Subscribe(s => seen.Add(s.Version));

        list.Replace([Item("a")]);
        list.Replace([Item("b")]);
        subscription.Dispose();
        list.Replace([Item("c")]);

        Assert.Equal([1L, 2L], seen);
    }

    [Fact]
    public void Subscribe_AHandlerThatReplaces_IsDeliveredAfterItReturnsWithoutReentrancy()
    {
        var list = new TodoList();
        var seen = new List<(long Version, int Depth)>();
        var depth = 0;
        list.Subscribe(s =>
        {
            depth++;
            seen.Add((s.Version, depth));
            if (s.Version == 1)
            {
                list.Replace([Item("from handler")]);
            }
            depth--;
        });

        list.Replace([Item("a")]);

        Assert.Equal([(1L, 1), (2L, 1)], seen);
        Assert.Equal("from handler", list.Current.Items[0].Content);
    }

    [Fact]
    public void Subscribe_AThrowingHandler_IsReportedAndDoesNotStopTheOthers()
    {
        var errors = new List<Exception>();
        var list = new TodoList(errors.Add);
        var delivered = 0;
        list.Subscribe(_ => throw new InvalidOperationException("boom"));
        list.Subscribe(_ => delivered++);

        list.Replace([Item("a")]);

        Assert.Equal(1, delivered);
        Assert.Equal("boom", Assert.Single(errors).Message);
    }

    [Fact]
    public void Render_MarksEachStatus()
    {
        var snapshot = new TodoList().Replace([new("Test", TodoStatus.Completed), new("Fix", TodoStatus.InProgress, "Fixing"), new("Ship", TodoStatus.Pending)]);

        Assert.Equal("[x] Test\n[~] Fixing\n[ ] Ship", snapshot.Render());
        Assert.Equal("(no todos)", TodoListSnapshot.Empty.Render());
    }

    [Theory]
    [InlineData("pending", TodoStatus.Pending)]
    [InlineData("in_progress", TodoStatus.InProgress)]
    [InlineData("completed", TodoStatus.Completed)]
    public void TryParseStatus_ReadsClaudeCodesNames(string name, TodoStatus expected)
    {
        Assert.True(TodoItem.TryParseStatus(name, out var status));
        Assert.Equal(expected, status);
        Assert.Equal(name, new TodoItem("x", status).StatusName);
        Assert.False(TodoItem.TryParseStatus(name.ToUpperInvariant(), out _));
    }
}
