using System.Collections.Frozen;
using System.Text.Json;

namespace CodeForge.Core.Agent;

/// <summary>
/// The gate of the read-only subagents (<c>Explore</c>, <c>Plan</c>): a <c>Bash</c> call passes only if every command of
/// its pipeline is a known read-only command (<c>ls</c>, <c>cat</c>, <c>grep</c>, <c>git status|log|diff|show</c>, …) with
/// no output redirection, command substitution or chaining; everything that passes then goes through the parent's
/// authorizer, so the parent's permission rules still decide.
/// </summary>
/// <remarks>Stateless apart from the inner authorizer; thread-safe if it is.</remarks>
public sealed class ReadOnlyBashAuthorizer(IToolCallAuthorizer inner) : IToolCallAuthorizer
{
    private static readonly FrozenSet<string> ReadOnlyCommands = new[]
    {
        "ls", "cat", "head", "tail", "wc", "grep", "egrep", "fgrep", "rg", "find", "tree", "pwd", "echo", "file", "stat", "du",
        "which", "sort", "uniq", "cut", "diff", "basename", "dirname", "realpath", "readlink", "nl", "less", "more", "date", "env",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ReadOnlyGit = new[]
    {
        "status", "log", "diff", "show", "branch", "ls-files", "blame", "rev-parse", "grep", "remote", "describe", "shortlog",
    }.ToFrozenSet(StringComparer.Ordinal);

    public ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
    {
        if (toolName == "Bash")
        {
            var command = arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.String
                ? c.GetString() ?? ""
                : "";
            if (!IsReadOnly(command, out var why))
            {
                return ValueTask.FromResult(ToolCallAuthorization.Deny($"this agent is read-only: {why}"));
            }
        }
        return inner.AuthorizeAsync(toolName, arguments, cancellationToken);
    }

    /// <summary>Whether <paramref name="command"/> only reads (conservative: anything unusual is refused).</summary>
    public static bool IsReadOnly(string command, out string why)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Trim().Length == 0)
        {
            why = "empty command";
            return false;
        }
        foreach (var bad in new[] { ">", "$(", "`", ";", "&&", "||", "&", "\n" })
        {
            if (command.Contains(bad, StringComparison.Ordinal))
            {
                why = $"'{bad}' is not allowed (no redirection, substitution, chaining or background jobs)";
                return false;
            }
        }
        foreach (var segment in command.Split('|'))
        {
            var words = segment.Split(' ', '\t').Where(w => w.Length > 0).ToArray();
            if (words.Length == 0)
            {
                why = "empty pipeline segment";
                return false;
            }
            var program = words[0];
            if (program == "git")
            {
                if (words.Length < 2 || !ReadOnlyGit.Contains(words[1]))
                {
                    why = $"'git {(words.Length > 1 ? words[1] : "")}' may change the repository";
                    return false;
                }
                continue;
            }
            if (!ReadOnlyCommands.Contains(program))
            {
                why = $"'{program}' is not a known read-only command";
                return false;
            }
            if (program == "find" && words.Any(w => w is "-exec" or "-execdir" or "-delete" or "-ok" or "-fprint"))
            {
                why = "find may only search here (no -exec, -delete)";
                return false;
            }
        }
        why = "";
        return true;
    }
}
