namespace CodeForge.Cli.Interactive.Commands;

/// <summary>One <c>/name</c> command of the interactive session: what <c>/help</c> and completion show, and what it does.</summary>
/// <remarks>Implementations are run by the session's input loop, one at a time; they keep no state between runs unless
/// they say so.</remarks>
internal interface ISlashCommand
{
    /// <summary>The name without the slash.</summary>
    string Name { get; }

    /// <summary>One line for <c>/help</c> and completion.</summary>
    string Description { get; }

    /// <summary>What goes after the name, e.g. <c>[instructions]</c>; empty when nothing does.</summary>
    string ArgumentHint => "";

    /// <summary>Where it came from: built-in, project, user, skill, plugin.</summary>
    string Source => "built-in";

    /// <summary>Runs the command with the text after its name; an <see cref="ArgumentException"/> is shown as the error.</summary>
    Task RunAsync(string arguments, CancellationToken cancellationToken);
}
