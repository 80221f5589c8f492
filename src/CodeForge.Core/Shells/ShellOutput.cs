namespace CodeForge.Core.Shells;

/// <summary>New output of a shell since a reader's previous read: one slice per stream.</summary>
/// <param name="Stdout">The standard-output slice (with its absolute offsets).</param>
/// <param name="Stderr">The standard-error slice (with its absolute offsets).</param>
public sealed record ShellOutput(OutputSlice Stdout, OutputSlice Stderr)
{
    /// <summary>True when neither stream had new text.</summary>
    public bool IsEmpty => Stdout.Text.Length == 0 && Stderr.Text.Length == 0;

    /// <summary>
    /// The original's combined form: standard output, then <c>"\n[stderr]\n"</c> and standard error if there is any.
    /// </summary>
    public string Text => Stderr.Text.Length == 0 ? Stdout.Text : Stdout.Text + "\n[stderr]\n" + Stderr.Text;

    /// <summary>Chars the reader missed because the buffers dropped them before it read (both streams).</summary>
    public long SkippedChars => Stdout.SkippedChars + Stderr.SkippedChars;
}
