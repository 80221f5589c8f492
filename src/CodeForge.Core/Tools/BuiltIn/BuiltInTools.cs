using System.Collections.Immutable;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>Factories for the built-in tools.</summary>
public static class BuiltInTools
{
    /// <summary>
    /// The file tools of one session: Read, Write, Edit, MultiEdit, Glob and Grep. Read, Write, Edit and MultiEdit share
    /// <paramref name="tracker"/> (what this session has read); give each session its own tracker.
    /// </summary>
    public static ImmutableArray<ITool> CreateFileTools(FileReadTracker tracker, FileToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        options ??= FileToolOptions.Default;
        return
        [
            new ReadTool(tracker),
            new WriteTool(tracker),
            new EditTool(tracker),
            new MultiEditTool(tracker),
            new GlobTool(options),
            new GrepTool(options),
        ];
    }
}
