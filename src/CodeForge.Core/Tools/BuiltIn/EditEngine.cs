using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using DiffPlex;
using DiffPlex.Renderer;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>One exact replacement: <see cref="OldString"/> becomes <see cref="NewString"/>, once or everywhere.</summary>
internal sealed record EditSpec(string OldString, string NewString, bool ReplaceAll);

/// <summary>The shared work of Edit and MultiEdit: read-before-edit and freshness, exact replacement, atomic write, diff.</summary>
/// <remarks>
/// <para>Stateless. Every edit runs under the path's <see cref="FileMutationLock"/> (this process's gate, then the
/// inter-process lock): the current content is read, checked, edited, written to a temporary file, flushed to disk
/// and renamed over the file before any other forge thread or process may touch the file, so a reported edit is on
/// disk and no other forge edit can overwrite it from an older read.</para>
/// <para><b>Edit on the current content.</b> Freshness is judged by content (SHA-256 of what the session read), not by
/// modification time. When the file changed since the session's read (another process, an editor, a Bash command), the
/// edits are applied to the current content if each <c>old_string</c> is still found exactly once in it (applied in
/// order, as always), so an edit is refused only when its own text changed: an <c>old_string</c> now missing or no longer
/// unique, or a <c>replace_all</c> (whose occurrences may have changed) is refused with the "changed on disk since you
/// last read it" error. A success says that the file had changed, and the session's read record is then left at the
/// older version: the model has not seen the other changes, so a later Write (a whole-file overwrite) still needs a
/// fresh Read, while later Edits keep working the same way.</para>
/// </remarks>
internal static class EditEngine
{
    private const int MaxCandidates = 5;
    private const int MaxDiffCharacters = 30_000;

    private static readonly UnidiffRenderer DiffRenderer = new(new Differ(), 3);

    /// <summary>
    /// Applies <paramref name="edits"/> in order to the file at <paramref name="path"/> (resolved; shown to the model as
    /// <paramref name="shownPath"/>), all or nothing, under the path's gate.
    /// </summary>
    public static async Task<ToolResult> RunAsync(FileReadTracker tracker, string shownPath, string path, IReadOnlyList<EditSpec> edits,
        ToolContext context, CancellationToken cancellationToken)
    {
        using var gate = await FileMutationLock.EnterAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            if (Directory.Exists(path))
            {
                return ToolResult.Fail($"{shownPath} is a directory; give the path of a file to edit.");
            }
            string original;
            var encoding = TextEncodingKind.Utf8;
            var lineEnding = LineEnding.Lf;
            var creating = !File.Exists(path);
            FileSnapshot? changedSince = null;
            long currentLength = 0;
            if (creating)
            {
                if (edits[0].OldString.Length != 0)
                {
                    return ToolResult.Fail($"File does not exist: {shownPath}. To create it, use Write (or Edit with an empty old_string and the whole content as new_string).");
                }
                original = "";
            }
            else
            {
                var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                if (TextCodec.LooksBinary(bytes))
                {
                    return ToolResult.Fail($"{shownPath} is a binary file (it has NUL bytes); Edit changes text files only.");
                }
                var seen = tracker.Get(path);
                if (seen is null)
                {
                    return ToolResult.Fail(FileFreshness.NotRead(path, "edit"));
                }
                currentLength = bytes.Length;
                if (!seen.Matches(bytes))
                {
                    changedSince = seen;
                    if (edits.Any(e => e.ReplaceAll))
                    {
                        return ToolResult.Fail(FileFreshness.Changed(seen, path, bytes.Length,
                            "replace_all is not applied to a changed file, since the occurrences may not be the ones you saw."));
                    }
                }
                var decoded = TextCodec.Decode(bytes);
                original = decoded.Text;
                encoding = decoded.Encoding;
                lineEnding = decoded.LineEnding;
            }

            var text = original;
            var replacements = 0;
            for (var i = 0; i < edits.Count; i++)
            {
                var label = edits.Count == 1 ? "" : $"Edit {i + 1} of {edits.Count}: ";
                if (!TryApply(text, edits[i], lineEnding, shownPath, out var next, out var count, out var error))
                {
                    if (changedSince is not null && !string.Equals(edits[i].OldString, edits[i].NewString, StringComparison.Ordinal))
                    {
                        var which = edits.Count == 1 ? "old_string" : $"the old_string of edit {i + 1} of {edits.Count}";
                        return ToolResult.Fail(FileFreshness.Changed(changedSince, path, currentLength,
                            $"Your edit was not applied: {which} is no longer found exactly once in it."));
                    }
                    var tail = edits.Count == 1 ? "" : " No edit was applied (MultiEdit is all or nothing).";
                    return ToolResult.Fail(label + error + tail);
                }
                text = next;
                replacements += count;
            }
            var newBytes = TextCodec.Encode(text, encoding);
            var written = await AtomicFile.WriteAsync(path, newBytes, cancellationToken).ConfigureAwait(false);
            if (changedSince is null)
            {
                tracker.Record(path, FileSnapshot.Of(newBytes, written));
            }

            var diff = Diff(original, text, shownPath, Math.Min(context.MaxOutputSize, MaxDiffCharacters));
            var summary = creating
                ? $"Created {shownPath}."
                : edits.Count == 1
                    ? $"Edited {shownPath}: replaced {Occurrences(replacements)}."
                    : $"Edited {shownPath}: applied {edits.Count} edits ({Occurrences(replacements)}).";
            if (changedSince is not null)
            {
                summary += $" Note: {shownPath} had changed on disk since you last read it; every old_string you gave was still "
                    + "found exactly once, so the edit was applied to the current content and the other changes were kept. "
                    + "Read it again before overwriting it with Write.";
            }
            var metadata = ImmutableDictionary<string, object?>.Empty
                .Add("replacements", replacements)
                .Add("edits", edits.Count)
                .Add("created", creating)
                .Add("changed_on_disk", changedSince is not null);
            return ToolResult.Ok(diff.Length == 0 ? summary : summary + "\n" + diff, metadata);
        }
        catch (UnauthorizedAccessException ex)
        {
            return ToolResult.Fail($"Permission denied editing {shownPath}: {ex.Message}");
        }
        catch (IOException ex)
        {
            return ToolResult.Fail($"Could not edit {shownPath}: {ex.Message}");
        }
    }

    /// <summary>Applies one edit to <paramref name="text"/>; false with a message naming the problem and the candidate lines.</summary>
    public static bool TryApply(string text, EditSpec edit, LineEnding lineEnding, string shownPath, out string result, out int replacements, out string error)
    {
        result = text;
        replacements = 0;
        error = "";
        if (string.Equals(edit.OldString, edit.NewString, StringComparison.Ordinal))
        {
            error = "old_string and new_string are identical, so nothing would change. Give the new text in new_string.";
            return false;
        }
        var newString = lineEnding == LineEnding.CrLf ? TextCodec.ToCrLf(edit.NewString) : edit.NewString;
        if (edit.OldString.Length == 0)
        {
            if (text.Length != 0)
            {
                error = $"old_string is empty, but {shownPath} is not: give the exact text to replace (or Read the file and use Write to replace all of it).";
                return false;
            }
            result = newString;
            replacements = 1;
            return true;
        }
        var oldString = edit.OldString;
        var positions = FindAll(text, oldString);
        if (positions.Count == 0 && lineEnding == LineEnding.CrLf && oldString.Contains('\n', StringComparison.Ordinal))
        {
            var crlf = TextCodec.ToCrLf(oldString);
            positions = FindAll(text, crlf);
            oldString = crlf;
        }
        else if (lineEnding == LineEnding.CrLf && oldString.Contains('\n', StringComparison.Ordinal) && positions.Count > 0)
        {
            // The model's old_string already matches (it carried CRs, or the lines are LF in a mixed file): keep its new_string as given.
            newString = edit.NewString;
        }
        if (positions.Count == 0)
        {
            error = NotFoundMessage(text, edit.OldString, shownPath);
            return false;
        }
        if (positions.Count > 1 && !edit.ReplaceAll)
        {
            error = NotUniqueMessage(text, positions, shownPath);
            return false;
        }
        if (edit.ReplaceAll)
        {
            result = text.Replace(oldString, newString, StringComparison.Ordinal);
            replacements = positions.Count;
        }
        else
        {
            result = string.Concat(text.AsSpan(0, positions[0]), newString, text.AsSpan(positions[0] + oldString.Length));
            replacements = 1;
        }
        return true;
    }

    /// <summary>A unified diff (DiffPlex) of the change, as text with LF line endings, cut at <paramref name="maxCharacters"/>.</summary>
    public static string Diff(string before, string after, string shownPath, int maxCharacters)
    {
        var a = TextCodec.ForDisplay(before.Replace("\r\n", "\n", StringComparison.Ordinal));
        var b = TextCodec.ForDisplay(after.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (a.EndsWith('\n') && b.EndsWith('\n'))
        {
            a = a[..^1];
            b = b[..^1];
        }
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return "";
        }
        var diff = DiffRenderer.Generate(a, b, shownPath, shownPath, ignoreWhitespace: false, ignoreCase: false).TrimEnd('\n');
        return diff.Length <= maxCharacters ? diff : diff[..maxCharacters] + $"\n… [diff truncated at {maxCharacters} characters]";
    }

    private static List<int> FindAll(string text, string value)
    {
        var positions = new List<int>();
        var index = 0;
        while ((index = text.IndexOf(value, index, StringComparison.Ordinal)) >= 0)
        {
            positions.Add(index);
            index += value.Length;
        }
        return positions;
    }

    private static string Occurrences(int n) => n == 1 ? "1 occurrence" : $"{n} occurrences";

    private static string NotUniqueMessage(string text, List<int> positions, string shownPath)
    {
        var lines = SplitLines(text);
        var starts = LineNumbers(text, positions);
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture,
            $"old_string matches {positions.Count} places in {shownPath} (lines {string.Join(", ", starts.Distinct().Take(20))}); it must match exactly one. ");
        builder.Append("Include more of the surrounding lines in old_string to pick one, or set replace_all to true to change every occurrence. The matches start at:");
        foreach (var line in starts.Distinct().Take(MaxCandidates * 2))
        {
            builder.Append('\n').Append(FormatLine(line, lines[line - 1]));
        }
        return builder.ToString();
    }

    private static string NotFoundMessage(string text, string oldString, string shownPath)
    {
        var lines = SplitLines(text);
        var message = new StringBuilder($"old_string was not found in {shownPath}.");
        if (Collapse(text).Contains(Collapse(oldString), StringComparison.Ordinal))
        {
            message.Append(" It matches if whitespace is ignored: check indentation, tabs versus spaces and line breaks.");
        }
        var key = oldString.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        var candidates = new List<int>();
        if (key.Length > 0)
        {
            var collapsedKey = Collapse(key);
            for (var i = 0; i < lines.Length && candidates.Count < MaxCandidates; i++)
            {
                if (Collapse(lines[i]).Contains(collapsedKey, StringComparison.Ordinal))
                {
                    candidates.Add(i + 1);
                }
            }
            if (candidates.Count == 0)
            {
                var tokens = Tokens(key);
                if (tokens.Count > 0)
                {
                    var needed = Math.Max(1, (tokens.Count + 1) / 2);
                    candidates = [.. lines
                        .Select((line, i) => (Line: i + 1, Score: Tokens(line).Count(tokens.Contains)))
                        .Where(x => x.Score >= needed)
                        .OrderByDescending(x => x.Score)
                        .ThenBy(x => x.Line)
                        .Take(MaxCandidates)
                        .Select(x => x.Line)
                        .Order()];
                }
            }
        }
        if (candidates.Count > 0)
        {
            message.Append(" The closest lines in the file are:");
            foreach (var line in candidates)
            {
                message.Append('\n').Append(FormatLine(line, lines[line - 1]));
            }
            message.Append("\nCopy the text exactly as Read shows it (without the line-number prefix), or Read the file again if it may have changed.");
        }
        else
        {
            message.Append(" No similar line was found: Read the file again and copy the text to replace exactly (without the line-number prefix).");
        }
        return message.ToString();
    }

    private static string[] SplitLines(string text) =>
        [.. TextCodec.ForDisplay(text).Split('\n').Select(l => l.EndsWith('\r') ? l[..^1] : l)];

    private static List<int> LineNumbers(string text, List<int> positions)
    {
        var result = new List<int>(positions.Count);
        var line = 1;
        var last = 0;
        foreach (var position in positions)
        {
            line += text.AsSpan(last, position - last).Count('\n');
            last = position;
            result.Add(line);
        }
        return result;
    }

    private static string FormatLine(int number, string line) =>
        string.Create(CultureInfo.InvariantCulture, $"{number,6}\t{(line.Length > 200 ? line[..200] + "…" : line)}");

    private static string Collapse(string s)
    {
        var builder = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }
            if (space)
            {
                builder.Append(' ');
                space = false;
            }
            builder.Append(c);
        }
        return builder.ToString();
    }

    private static HashSet<string> Tokens(string s)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        var start = -1;
        for (var i = 0; i <= s.Length; i++)
        {
            var word = i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_');
            if (word && start < 0)
            {
                start = i;
            }
            else if (!word && start >= 0)
            {
                if (i - start >= 3)
                {
                    tokens.Add(s[start..i]);
                }
                start = -1;
            }
        }
        return tokens;
    }
}
