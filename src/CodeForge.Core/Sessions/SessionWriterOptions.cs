namespace CodeForge.Core.Sessions;

/// <summary>How a <see cref="SessionWriter"/> trades durability for speed.</summary>
/// <remarks>Immutable (init-only); safe to share between threads and between writers/managers.</remarks>
public sealed record SessionWriterOptions
{
    /// <summary>The defaults: every line handed to the OS as it is appended.</summary>
    public static SessionWriterOptions Default { get; } = new();

    /// <summary>
    /// True (the default): each append is one <c>write</c> of the whole line, so a crash of this process loses no
    /// appended line. False: lines collect in memory and are written at <see cref="SessionWriter.CommitTurnAsync"/>,
    /// on dispose, or when <see cref="BufferSize"/> bytes are pending (faster; a crash loses the uncommitted turn).
    /// Either way lines are whole: a line is never split across writes.
    /// </summary>
    public bool FlushEachLine { get; init; } = true;

    /// <summary>With <see cref="FlushEachLine"/> off, pending bytes that force a write.</summary>
    public int BufferSize { get; init; } = 64 * 1024;
}
