using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CodeForge.Core.Commands;

namespace CodeForge.Core.Plugins;

/// <summary>
/// A dynamic workflow found on disk: a plugin's <c>workflows/*.js</c> (named <c>plugin:&lt;meta.name&gt;</c>) or a
/// <c>.claude/workflows/*.js</c> of the project or the home directory (named <c>&lt;meta.name&gt;</c>). As in Claude Code
/// it is offered as a slash command and a skill of that name, whose prompt tells the model to call the
/// <see cref="WorkflowTool"/> (<c>Workflow({ name, args })</c>); the script itself runs only then.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record WorkflowDefinition
{
    /// <summary>The name it is invoked by (<c>code-modernization:modernize-extract-rules</c>, <c>hello</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The script's parsed <c>meta</c>.</summary>
    public required WorkflowMeta Meta { get; init; }

    /// <summary>The <c>.js</c> file (absolute).</summary>
    public required string Path { get; init; }

    /// <summary>Where it was found.</summary>
    public CommandScope Scope { get; init; }

    /// <summary>The plugin it belongs to, or null.</summary>
    public string? PluginName { get; init; }

    /// <summary>The plugin's root, or null.</summary>
    public string? PluginRoot { get; init; }

    /// <summary><paramref name="value"/> as a JSON string literal, escaped as JavaScript's <c>JSON.stringify</c> escapes it.</summary>
    public static string JsString(string value)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStringValue(value);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// The prompt of <c>/Name arguments</c>, worded as Claude Code 2.1.337 words it: the name, the description, the
    /// <c>whenToUse</c>, the phases, then <c>Invoke: Workflow({ name: "…", args: "…" })</c> with the typed arguments as
    /// one JSON string (the scripts parse a string <c>args</c> themselves).
    /// </summary>
    public string RenderPrompt(string? arguments)
    {
        var sb = new StringBuilder();
        sb.Append("Run the \"").Append(Name).Append("\" workflow.\n\n").Append(Meta.Description);
        if (Meta.WhenToUse is { } when)
        {
            sb.Append("\n\n").Append(when);
        }
        if (Meta.Phases.Length > 0)
        {
            sb.Append("\n\nPhases:\n").AppendJoin('\n', Meta.Phases.Select(p => $"- {p.Title}{(p.Detail is { Length: > 0 } d ? $": {d}" : "")}"));
        }
        var name = JsString(Name);
        var args = (arguments ?? "").Trim();
        sb.Append("\n\nInvoke: Workflow(").Append(args.Length > 0 ? $"{{ name: {name}, args: {JsString(args)} }}" : $"{{ name: {name} }}").Append(')');
        return sb.ToString();
    }

    /// <summary>As the slash command Claude Code lists for it (description marked "(dynamic workflow)" in menus only).</summary>
    public CommandDefinition ToCommand() => new()
    {
        Name = Name,
        Description = Meta.Description,
        Body = "",
        SourcePath = Path,
        Scope = Scope,
        PluginName = PluginName,
        PluginRoot = PluginRoot,
        Workflow = this,
    };
}

/// <summary>The workflows found by <see cref="WorkflowLoader"/> and every problem met.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record WorkflowLoadResult(ImmutableArray<WorkflowDefinition> Workflows, ImmutableArray<Skills.LoadDiagnostic> Diagnostics);
