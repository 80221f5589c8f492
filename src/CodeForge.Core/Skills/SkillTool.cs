using System.Text.Json;
using CodeForge.Core.Commands;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Skills;

/// <summary>
/// Claude Code's <c>Skill</c> tool: the model activates a skill by name (parameter <c>skill</c>, optional <c>args</c>)
/// and gets back its instructions with <c>$ARGUMENTS</c> and <c>${CLAUDE_SKILL_DIR}</c> substituted. Activation goes
/// through the <see cref="SkillRegistry"/> (so <see cref="SkillPermissionGrants"/> applies the skill's
/// <c>allowed-tools</c> while it is active). Skills and custom commands with <c>disable-model-invocation: true</c> are
/// refused with Claude Code's words: only the user may run them, by typing <c>/name</c>. So are skills with neither a
/// description nor a <c>when_to_use</c> (slash commands only). A custom command (or dynamic workflow) whose frontmatter
/// gives a description or <c>when_to_use</c> is run as Claude Code runs it: the tool returns its prompt.
/// </summary>
/// <remarks>
/// Concurrency: holds only immutable configuration; concurrent calls each make one atomic
/// <see cref="SkillRegistry.Activate"/> (the last one wins, as with any two activations).
/// </remarks>
public sealed class SkillTool : ITool, IToolAccessDescriber
{
    private readonly SkillRegistry _registry;
    private readonly Func<SubstitutionContext> _context;
    private readonly CommandCatalog? _commands;

    /// <param name="registry">Where the skills are.</param>
    /// <param name="context">The session and project values for placeholders (read at each call).</param>
    /// <param name="commands">The custom commands, so that a call naming a user-only one is refused as such (null: none).</param>
    public SkillTool(SkillRegistry registry, Func<SubstitutionContext>? context = null, CommandCatalog? commands = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _context = context ?? (() => new SubstitutionContext());
        _commands = commands;
    }

    /// <summary>Claude Code's answer when the model names a skill or command with <c>disable-model-invocation: true</c>.</summary>
    public static string UserOnlyMessage(string name) =>
        $"Skill {name} cannot be used with Skill tool due to disable-model-invocation. Ask the user to run /{name} themselves \u2014 "
        + "it cannot be invoked via the Skill tool. Do not replicate this skill's workflow by other means \u2014 it is reserved for explicit user invocation.";

    /// <summary>The answer when the model names a skill with neither a description nor a <c>when_to_use</c> (a slash command only).</summary>
    public static string SlashOnlyMessage(string name) =>
        $"Skill {name} cannot be used with Skill tool: it has no description, so it is a slash command only. Ask the user to run /{name} themselves if it is needed.";

    /// <summary>The custom command <paramref name="name"/> (full, or short when unambiguous), or null.</summary>
    private CommandDefinition? FindCommand(string name)
    {
        if (_commands is null)
        {
            return null;
        }
        var command = _commands.Get(name);
        if (command is null && NamespacedNames.Resolve(name, _commands.List().Select(c => c.Name)).Name is { } full)
        {
            command = _commands.Get(full);
        }
        return command;
    }

    /// <summary>
    /// Whether the model may run the custom command through this tool, as Claude Code 2.1.337's Skill tool runs a custom
    /// command that has a description: here one whose frontmatter gives a <c>description</c> or <c>when_to_use</c> (a
    /// workflow always has one), and that is not user-only.
    /// </summary>
    internal static bool ModelMayRun(CommandDefinition command) =>
        !command.DisableModelInvocation && (command.Workflow is not null || command.HasDeclaredDescription || command.WhenToUse is not null);

    public string Name => "Skill";

    public string Description =>
        "Run a skill: loads the instructions of one of the available skills listed in the system prompt (under Skills) "
        + "and makes them active. Call it when the user's task matches a skill's description, before doing the task, then "
        + "follow the instructions it returns. Pass the skill's name as 'skill' and, if useful, arguments as 'args'.";

    public ToolCategory Category => ToolCategory.Other;

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.SkillArgs);

    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context) => ToolAccess.None;

    public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        string? name = null;
        string? args = null;
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            if (arguments.TryGetProperty("skill", out var n) && n.ValueKind == JsonValueKind.String)
            {
                name = n.GetString();
            }
            if (arguments.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.String)
            {
                args = a.GetString();
            }
        }
        name = name?.Trim().TrimStart('/');
        if (string.IsNullOrEmpty(name))
        {
            return Task.FromResult(ToolResult.Fail("'skill' is required: the name of one of the available skills."));
        }
        var skill = _registry.Get(name);
        if (skill is null)
        {
            var resolved = NamespacedNames.Resolve(name, _registry.ListSkills().Select(s => s.Name));
            if (resolved.IsAmbiguous)
            {
                return Task.FromResult(ToolResult.Fail(resolved.AmbiguityMessage("skills", name) + "."));
            }
            skill = resolved.Name is { } full ? _registry.Get(full) : null;
        }
        if (skill is null && FindCommand(name) is { } command)
        {
            if (command.DisableModelInvocation)
            {
                return Task.FromResult(ToolResult.Fail(UserOnlyMessage(command.Name)));
            }
            if (ModelMayRun(command))
            {
                // The command's prompt, as typing /name args would give it. Its allowed-tools are not granted: the
                // model, not the user, chose to run it, and the calls it makes next are checked as any other.
                return Task.FromResult(ToolResult.Ok(command.Expand(args, _context()), new Dictionary<string, object?> { ["command"] = command.Name }));
            }
        }
        if (skill is null)
        {
            var available = SkillCatalog.ModelInvocable(_registry.ListSkills()).Select(s => s.Name).ToList();
            return Task.FromResult(ToolResult.Fail(
                $"Unknown skill '{name}'. Available skills: {(available.Count == 0 ? "none" : string.Join(", ", available))}."));
        }
        if (skill.Definition.File is { DisableModelInvocation: true })
        {
            return Task.FromResult(ToolResult.Fail(UserOnlyMessage(skill.Name)));
        }
        if (!SkillCatalog.Described(skill))
        {
            return Task.FromResult(ToolResult.Fail(SlashOnlyMessage(skill.Name)));
        }
        if (ReadBody(skill) is { } unreadable)
        {
            return Task.FromResult(ToolResult.Fail($"Could not activate the skill '{name}': {unreadable}"));
        }
        var result = _registry.Activate(skill.Name);
        if (!result.Succeeded)
        {
            return Task.FromResult(ToolResult.Fail($"Could not activate the skill '{name}': {string.Join("; ", result.Errors)}"));
        }
        var metadata = new Dictionary<string, object?> { ["skill"] = skill.Name };
        return Task.FromResult(ToolResult.Ok(SkillInstructions.Render(result.Skill!, args, _context()), metadata));
    }

    /// <summary>
    /// Reads the skill's body if it is read lazily (<see cref="SkillDefinition.PromptSource"/>), before it is activated;
    /// returns why it cannot be read (naming the file), or null.
    /// </summary>
    internal static string? ReadBody(Skill skill)
    {
        if (skill.Definition.PromptSource is not { IsLoaded: false } body)
        {
            return null;
        }
        try
        {
            _ = body.Value;
            return null;
        }
        catch (MarkdownBodyException ex)
        {
            return ex.Message;
        }
    }
}
