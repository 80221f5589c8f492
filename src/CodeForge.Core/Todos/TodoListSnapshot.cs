using System.Collections.Immutable;

namespace CodeForge.Core.Todos;

/// <summary>One published state of a <see cref="TodoList"/>: the whole list and its version.</summary>
/// <param name="Version">0 for the initial empty list, then 1, 2, 3… per replacement, in the order they took effect.</param>
/// <param name="Items">The tasks, in the model's order.</param>
/// <remarks>Immutable; safe to share and to keep.</remarks>
public sealed record TodoListSnapshot(long Version, ImmutableArray<TodoItem> Items)
{
    /// <summary>The initial, empty list.</summary>
    public static TodoListSnapshot Empty { get; } = new(0, []);

    /// <summary>Tasks with <paramref name="status"/>.</summary>
    public int Count(TodoStatus status) => Items.Count(i => i.Status == status);

    /// <summary>A plain-text rendering for terminals: one line per task, <c>[x]</c> done, <c>[~]</c> in progress, <c>[ ]</c> pending.</summary>
    public string Render()
    {
        if (Items.IsEmpty)
        {
            return "(no todos)";
        }
        return string.Join('\n', Items.Select(i => i.Status switch
        {
            TodoStatus.Completed => $"[x] {i.Content}",
            TodoStatus.InProgress => $"[~] {i.ActiveForm ?? i.Content}",
            _ => $"[ ] {i.Content}",
        }));
    }
}
