using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CodeForge.Core.Todos;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// <c>TodoWrite</c> (Claude Code's name and parameter: <c>todos</c>, each <c>{content, status, activeForm}</c>, with the
/// older <c>id</c> and <c>priority</c> accepted): replaces the session's todo list with the given one.
/// </summary>
/// <remarks>
/// Concurrency: the replacement is one atomic <see cref="TodoList.Replace"/>. Two TodoWrite calls of one model response
/// run in call order (their <see cref="DescribeAccess"/> names the same pseudo path, which no file tool ever touches), so
/// the last call's list is the one that stays. Advice such as "keep exactly one task in progress" is reported in the
/// result, not enforced.
/// </remarks>
public sealed class TodoWriteTool : ITool, IToolAccessDescriber, IPermissionFactsDescriber
{
    private const string Success =
        "Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress. "
        + "Please proceed with the current tasks if applicable";

    private readonly TodoList _list;
    private readonly ToolAccess _access;

    public TodoWriteTool(TodoList list)
    {
        _list = list ?? throw new ArgumentNullException(nameof(list));
        _access = ToolAccess.Writing("/" + Path.Combine("proc", "forge-todo-list", RuntimeHelpersId(list)));
    }

    public string Name => "TodoWrite";

    public string Description =>
        "Use this tool to create and manage a structured task list for your current coding session. It helps you track "
        + "progress, organize complex tasks and show the user what you are doing. Each call replaces the whole list. Use it "
        + "for multi-step tasks (3 or more steps); skip it for a single trivial task. Task states: pending, in_progress "
        + "(exactly one task at a time), completed (mark a task completed as soon as it is done, and only when it is fully "
        + "done). Give each task content in imperative form (\"Run tests\") and activeForm in present continuous form "
        + "(\"Running tests\"). Update the list as you work: add tasks you discover, remove ones that no longer apply, and "
        + "never mark a task completed while its tests fail or its work is partial. Do not use it for purely conversational "
        + "requests.";

    public ToolCategory Category => ToolCategory.Task;

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.TodoWriteArgs);

    /// <summary>The list this tool writes.</summary>
    public TodoList List => _list;

    /// <summary>The permission facts of a call: no path, command or URL.</summary>
    public static PermissionFacts Facts(JsonElement arguments) => PermissionFacts.None;

    /// <inheritdoc />
    public PermissionFacts DescribePermissions(JsonElement arguments) => Facts(arguments);

    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context) => _access;

    public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        // Read by hand, not as TodoWriteArgs: a direct caller gets this tool's own messages, and a numeric id is accepted.
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty("todos", out var todos) || todos.ValueKind == JsonValueKind.Null)
        {
            return Task.FromResult(ToolResult.Fail("'todos' is required: give the whole list, e.g. [{\"content\": \"Run tests\", \"status\": \"pending\", \"activeForm\": \"Running tests\"}]."));
        }
        if (todos.ValueKind != JsonValueKind.Array)
        {
            return Task.FromResult(ToolResult.Fail("'todos' must be an array of {content, status, activeForm} objects."));
        }
        var items = ImmutableArray.CreateBuilder<TodoItem>();
        var index = 0;
        foreach (var element in todos.EnumerateArray())
        {
            if (!TryParse(element, index, out var item, out var error))
            {
                return Task.FromResult(ToolResult.Fail(error + " The list was not changed."));
            }
            items.Add(item);
            index++;
        }
        var snapshot = _list.Replace(items.ToImmutable());
        var notes = new StringBuilder();
        var inProgress = snapshot.Count(TodoStatus.InProgress);
        if (inProgress > 1)
        {
            notes.Append(CultureInfo.InvariantCulture,
                $"\nNote: {inProgress} tasks are in_progress; keep exactly one task in progress at a time and mark the others pending or completed.");
        }
        var duplicates = snapshot.Items.Where(i => i.Id is not null).GroupBy(i => i.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            notes.Append(CultureInfo.InvariantCulture, $"\nNote: these ids are used more than once: {string.Join(", ", duplicates)}.");
        }
        var metadata = ImmutableDictionary<string, object?>.Empty
            .Add("version", snapshot.Version)
            .Add("total", snapshot.Items.Length)
            .Add("pending", snapshot.Count(TodoStatus.Pending))
            .Add("in_progress", inProgress)
            .Add("completed", snapshot.Count(TodoStatus.Completed));
        return Task.FromResult(ToolResult.Ok(Success + notes, metadata));
    }

    private static bool TryParse(JsonElement element, int index, out TodoItem item, out string error)
    {
        item = null!;
        var at = $"todos[{index.ToString(CultureInfo.InvariantCulture)}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"{at} must be an object with content, status and activeForm.";
            return false;
        }
        if (!element.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(content.GetString()))
        {
            error = $"{at}.content must be a non-empty string.";
            return false;
        }
        if (!element.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String
            || !TodoItem.TryParseStatus(status.GetString(), out var parsed))
        {
            var got = element.TryGetProperty("status", out var s) ? s.GetRawText() : "nothing";
            error = $"{at}.status must be one of {string.Join(", ", TodoItem.StatusNames)}; got {got}.";
            return false;
        }
        string? activeForm = null;
        if (element.TryGetProperty("activeForm", out var form) && form.ValueKind != JsonValueKind.Null)
        {
            if (form.ValueKind != JsonValueKind.String)
            {
                error = $"{at}.activeForm must be a string.";
                return false;
            }
            activeForm = string.IsNullOrWhiteSpace(form.GetString()) ? null : form.GetString();
        }
        string? id = null;
        if (element.TryGetProperty("id", out var idElement) && idElement.ValueKind != JsonValueKind.Null)
        {
            id = idElement.ValueKind switch
            {
                JsonValueKind.String => idElement.GetString(),
                JsonValueKind.Number => idElement.GetRawText(),
                _ => null,
            };
            if (id is null)
            {
                error = $"{at}.id must be a string.";
                return false;
            }
        }
        item = new TodoItem(content.GetString()!, parsed, activeForm, id);
        error = "";
        return true;
    }

    private static string RuntimeHelpersId(TodoList list) =>
        System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(list).ToString("x8", CultureInfo.InvariantCulture);
}
