namespace CodeForge.Core.Todos;

/// <summary>The state of one task in the model's todo list (Claude Code's <c>pending</c>, <c>in_progress</c>, <c>completed</c>).</summary>
public enum TodoStatus
{
    /// <summary>Not started (<c>pending</c>).</summary>
    Pending,

    /// <summary>Being worked on now (<c>in_progress</c>); Claude Code keeps exactly one task here at a time.</summary>
    InProgress,

    /// <summary>Done (<c>completed</c>).</summary>
    Completed,
}

/// <summary>One task of the model's todo list.</summary>
/// <param name="Content">What to do, imperative ("Run the tests").</param>
/// <param name="Status">Where the task stands.</param>
/// <param name="ActiveForm">The present-continuous form shown while it is in progress ("Running the tests"), if given.</param>
/// <param name="Id">The model's id for the task, if it gave one (older Claude Code versions did).</param>
/// <remarks>Immutable; safe to share.</remarks>
public sealed record TodoItem(string Content, TodoStatus Status, string? ActiveForm = null, string? Id = null)
{
    /// <summary>The wire names of the statuses, in enum order.</summary>
    public static IReadOnlyList<string> StatusNames { get; } = ["pending", "in_progress", "completed"];

    /// <summary>The wire name of <see cref="Status"/>.</summary>
    public string StatusName => StatusNames[(int)Status];

    /// <summary>Parses a wire name; false if it is not one of <see cref="StatusNames"/>.</summary>
    public static bool TryParseStatus(string? name, out TodoStatus status)
    {
        for (var i = 0; i < StatusNames.Count; i++)
        {
            if (string.Equals(StatusNames[i], name, StringComparison.Ordinal))
            {
                status = (TodoStatus)i;
                return true;
            }
        }
        status = default;
        return false;
    }
}
