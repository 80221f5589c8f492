using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Agent;

/// <summary>
/// The gate of the read-only subagents (<c>Explore</c>, <c>Plan</c>): a <c>Bash</c> call passes only if the command only
/// reads, by the same checker plan mode uses (<see cref="BashReadOnly"/>: every subcommand a read-only program with
/// read-only arguments, no writes, nothing hidden from the parser); everything that passes then goes through the parent's
/// authorizer, so the parent's permission rules still decide.
/// </summary>
/// <param name="inner">The parent's authorizer.</param>
/// <param name="workingDirectory">Where relative paths in commands are resolved (default: the process's working directory).</param>
/// <param name="homeDirectory">Where <c>~</c> is resolved (default: the user's home).</param>
/// <remarks>Stateless apart from the inner authorizer; thread-safe if it is.</remarks>
public sealed class ReadOnlyBashAuthorizer(IToolCallAuthorizer inner, string? workingDirectory = null, string? homeDirectory = null) : IToolCallAuthorizer
{
    private readonly string _workingDirectory = workingDirectory ?? Environment.CurrentDirectory;
    private readonly string _homeDirectory = homeDirectory ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
    {
        if (toolName == "Bash")
        {
            var command = arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.String
                ? c.GetString() ?? ""
                : "";
            if (BashReadOnly.WhyNot(command, _workingDirectory, _homeDirectory) is { } why)
            {
                return ValueTask.FromResult(ToolCallAuthorization.Deny($"this agent is read-only: {why}"));
            }
        }
        return inner.AuthorizeAsync(toolName, arguments, cancellationToken);
    }

    /// <summary>Whether <paramref name="command"/> only reads (see <see cref="BashReadOnly"/>); <paramref name="why"/> says why not.</summary>
    public static bool IsReadOnly(string command, out string why)
    {
        why = BashReadOnly.WhyNot(command, Environment.CurrentDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)) ?? "";
        return why.Length == 0;
    }
}
