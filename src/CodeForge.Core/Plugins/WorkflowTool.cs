using System.Text;
using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Plugins;

/// <summary>
/// <c>Workflow</c>: Claude Code's dynamic-workflow tool. It takes <c>{ name }</c> (a workflow of a plugin, the project
/// or the user, as the workflow slash commands' prompts ask), <c>{ scriptPath }</c> or an inline <c>{ script }</c>,
/// with <c>args</c> given to the script verbatim, and runs the script with Node.js (<see cref="WorkflowRunner"/>); each
/// <c>agent()</c> of the script is a subagent of the <c>Task</c> tool (type <c>opts.agentType</c>, else
/// <c>general-purpose</c>). Unlike Claude Code, which starts the run in the background and reports it later, the call
/// returns when the script does, with its return value and log lines. Without <c>node</c> on <c>PATH</c> the call fails
/// naming the file and the missing runtime; <c>resumeFromRunId</c> is refused as not supported.
/// </summary>
/// <remarks>
/// <b>Concurrency.</b> One instance is shared; calls keep their state local (each owns its Node process). The
/// workflows and the Task tool are looked up at call time through thread-safe delegates (the Task tool is replaced when
/// the model changes). It touches nothing itself (<see cref="ToolAccess.None"/>): the subagents' calls are gated and
/// scheduled as the Task tool's are. It may run longer than the per-call timeout (<see cref="ILongRunningTool"/>).
/// </remarks>
public sealed class WorkflowTool : ITool, IToolAccessDescriber, ILongRunningTool
{
    /// <summary>The tool's name, as in Claude Code.</summary>
    public const string ToolName = "Workflow";

    private static readonly JsonElement s_schema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "script": {"type": "string", "description": "Self-contained workflow script. Must begin with `export const meta = { name, description, phases }` (pure literal, no computed values) followed by the script body using agent()/parallel()/pipeline()/phase()."},
            "name": {"type": "string", "description": "Name of a predefined workflow (from a plugin's workflows/ or .claude/workflows/). Resolves to a self-contained script."},
            "scriptPath": {"type": "string", "description": "Path to a workflow script file on disk. Takes precedence over `script` and `name`."},
            "args": {"description": "Optional input value exposed to the script as the global `args`, verbatim. Pass arrays/objects as actual JSON values, NOT as a JSON-encoded string."},
            "description": {"type": "string", "description": "Ignored: set the workflow description in the script's `meta` block."},
            "title": {"type": "string", "description": "Ignored: set the workflow title in the script's `meta` block."},
            "resumeFromRunId": {"type": "string", "description": "Not supported by forge (no run journal is kept)."}
          }
        }
        """).RootElement.Clone();

    private readonly Func<string, WorkflowDefinition?> _find;
    private readonly Func<IEnumerable<string>> _names;
    private readonly Func<ITool?> _task;
    private readonly Func<string?> _findNode;

    /// <param name="find">The workflow of a name (a plugin's <c>plugin:name</c>, or a project or user workflow), or null.</param>
    /// <param name="names">Every workflow name (for the "not found" message).</param>
    /// <param name="task">The Task tool that runs the scripts' agents, or null when there is none.</param>
    /// <param name="findNode">The Node.js executable, or null when there is none (default: <c>node</c> on <c>PATH</c>).</param>
    public WorkflowTool(Func<string, WorkflowDefinition?> find, Func<IEnumerable<string>> names, Func<ITool?> task, Func<string?>? findNode = null)
    {
        _find = find ?? throw new ArgumentNullException(nameof(find));
        _names = names ?? throw new ArgumentNullException(nameof(names));
        _task = task ?? throw new ArgumentNullException(nameof(task));
        _findNode = findNode ?? (() => WorkflowRunner.FindNode(Environment.GetEnvironmentVariable("PATH")));
        Schema = ToolSchema.FromJsonSchema(s_schema);
    }

    public string Name => ToolName;

    public string Description =>
        "Execute a workflow script that orchestrates multiple subagents deterministically (Claude Code's dynamic workflows). " +
        "ONLY call this tool when the user asked for a workflow or multi-agent orchestration in their own words, or invoked a skill " +
        "or slash command whose instructions tell you to call Workflow. Run a predefined one with {name, args}. The script runs " +
        "with Node.js; its agent() calls are subagents; the call returns the script's return value when it finishes.";

    public ToolCategory Category => ToolCategory.Task;

    public ToolSchema Schema { get; }

    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context) => ToolAccess.None;

    public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Str(arguments, "resumeFromRunId") is not null)
        {
            return ToolResult.Fail("not supported: resumeFromRunId (forge keeps no journal of a workflow run, so a run cannot be resumed). Start a new run without it.");
        }
        var (script, file, label, error) = Resolve(arguments, context.WorkingDirectory);
        if (script is null)
        {
            return ToolResult.Fail(error!);
        }
        var where = file is null ? $"the workflow \"{script.Meta.Name}\" (inline script)" : $"the workflow \"{label}\" ({file})";
        if (_findNode() is not { } node)
        {
            return ToolResult.Fail($"Cannot run {where}: workflow scripts are JavaScript and forge runs them with Node.js, but 'node' was not found on PATH. Install Node.js (or put it on PATH) and try again.");
        }
        string? argsJson = arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("args", out var a) && a.ValueKind != JsonValueKind.Undefined ? a.GetRawText() : null;
        var run = await WorkflowRunner.RunAsync(node, script, file ?? "workflow.js", argsJson, context.WorkingDirectory,
            (request, ct) => RunAgentAsync(request, context, ct), r => ResolveChild(r, context.WorkingDirectory), cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder();
        if (run.Logs.Count > 0)
        {
            text.Append("Log:\n");
            foreach (var line in run.Logs.TakeLast(200))
            {
                text.Append("- ").Append(line).Append('\n');
            }
        }
        if (!run.Succeeded)
        {
            return ToolResult.Fail($"Workflow failed: {where}: {run.Error}" + (text.Length > 0 ? "\n" + text : ""));
        }
        // Claude Code's completion notice: <summary>Dynamic workflow "<description>" completed</summary><result>…</result>.
        return ToolResult.Ok($"Dynamic workflow \"{script.Meta.Description}\" ({label}) completed ({run.Agents} agent{(run.Agents == 1 ? "" : "s")}).\n" +
            $"<result>{run.ResultJson}</result>\n{text}");
    }

    private (WorkflowScript? Script, string? File, string Label, string? Error) Resolve(JsonElement arguments, string cwd)
    {
        if (Str(arguments, "scriptPath") is { } scriptPath)
        {
            var path = Path.GetFullPath(Path.Combine(cwd, scriptPath));
            if (WorkflowLoader.Read(path, out var problem) is not { } text)
            {
                return (null, null, "", $"Workflow script file {scriptPath}: {problem}");
            }
            return Parse(text, path, null);
        }
        if (Str(arguments, "name") is { } name)
        {
            if (_find(name) is not { } definition)
            {
                var available = string.Join(", ", _names());
                return (null, null, "", $"Workflow \"{name}\" not found. Available: {(available.Length > 0 ? available : "(none)")}");
            }
            if (WorkflowLoader.Read(definition.Path, out var problem) is not { } text)
            {
                return (null, null, "", $"The file of workflow \"{name}\" ({definition.Path}): {problem}");
            }
            return Parse(text, definition.Path, definition.Name);
        }
        if (Str(arguments, "script") is { } inline)
        {
            return Parse(inline, null, null);
        }
        return (null, null, "", "Must provide script, name, or scriptPath");
    }

    private static (WorkflowScript?, string?, string, string?) Parse(string text, string? file, string? label)
    {
        var script = WorkflowScript.Parse(text, out var error);
        return script is null
            ? (null, null, "", $"Invalid workflow script{(file is null ? "" : $" {file}")}: {error}")
            : (script, file, label ?? script.Meta.Name, null);
    }

    private (WorkflowScript?, string?, string?) ResolveChild(JsonElement reference, string cwd)
    {
        var args = reference.ValueKind switch
        {
            JsonValueKind.String => JsonDocument.Parse($"{{\"name\":{WorkflowDefinition.JsString(reference.GetString()!)}}}").RootElement,
            JsonValueKind.Object when Str(reference, "scriptPath") is { } p => JsonDocument.Parse($"{{\"scriptPath\":{WorkflowDefinition.JsString(p)}}}").RootElement,
            _ => default,
        };
        if (args.ValueKind == JsonValueKind.Undefined)
        {
            return (null, null, "workflow(nameOrRef): pass a workflow name or {scriptPath}");
        }
        var (script, file, _, error) = Resolve(args, cwd);
        return (script, file ?? "workflow.js", error);
    }

    private async Task<(bool Ok, string Text)> RunAgentAsync(WorkflowAgentRequest request, ToolContext context, CancellationToken ct)
    {
        if (_task() is not { } task)
        {
            return (false, "the Task tool is not available in this session, so agent() cannot start a subagent");
        }
        var prompt = request.Schema is { } schema
            ? request.Prompt + "\n\nYour final answer is the return value of this task: reply with only one JSON object (no prose, no code fence) " +
              "that validates against this JSON Schema:\n" + schema
            : request.Prompt;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("description", request.Label ?? request.Phase ?? "workflow agent");
            w.WriteString("prompt", prompt);
            w.WriteString("subagent_type", request.AgentType ?? "general-purpose");
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.ToArray());
        var result = await task.ExecuteAsync(doc.RootElement, context, ct).ConfigureAwait(false);
        return result.Success ? (true, result.Output) : (false, result.Error ?? "the subagent failed");
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
