namespace CodeForge.Testing;

/// <summary>
/// Replaces a file the way an editor's atomic save does: the new content goes to a sibling file that no watcher
/// filter matches, which is then renamed over the target. A test that edits a file forge is watching and then waits
/// for forge to announce the change uses it, so forge never reads the file half written.
/// </summary>
/// <remarks>
/// <see cref="File.WriteAllTextAsync(string, string?, CancellationToken)"/> truncates and then writes: on a loaded
/// machine the two steps can be further apart than forge's settings debounce, and forge then rightly reloads (and
/// announces) the empty or partial file first — a second, legitimate announcement a test waiting for the first one
/// would mistake for its own edit. Stateless; safe from any thread.
/// </remarks>
public static class EditorSave
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> in one rename.</summary>
    public static async Task ReplaceAsync(string path, string content, CancellationToken cancellationToken)
    {
        var partial = path + ".forge-test-partial";
        await File.WriteAllTextAsync(partial, content, cancellationToken);
        File.Move(partial, path, overwrite: true);
    }
}
