namespace CodeForge.Cli.Headless;

/// <summary>How <c>forge -p</c> prints a run (Claude Code's <c>--output-format</c>).</summary>
internal enum OutputFormat
{
    /// <summary>The final answer only.</summary>
    Text,

    /// <summary>One JSON result object at the end.</summary>
    Json,

    /// <summary>One JSON object per line as things happen: system/init, assistant, user (tool results), result.</summary>
    StreamJson,
}
