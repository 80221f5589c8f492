using System.Globalization;
using System.Text;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Cli.Interactive;

/// <summary>What <see cref="FileAttachments.Attach"/> did: the prompt with the files appended, the words attached, and
/// the files that exist but were not attached, with why.</summary>
internal sealed record AttachmentResult(string Prompt, IReadOnlyList<string> Attached, IReadOnlyList<(string Word, string Reason)> Refused);

/// <summary>
/// <c>@path</c> words of a prompt: each names a file relative to the working directory (or absolute); an existing text
/// file under <see cref="MaxBytes"/> is appended as an <c>&lt;attached-file&gt;</c> block. The path goes through the
/// file tools' <see cref="FilePathPolicy"/> (symbolic links resolved, only the working and additional directories), so
/// an attachment reaches no file the Read tool could not.
/// </summary>
/// <remarks>Stateless apart from its inputs; the additional directories are read at each call (settings may change them).</remarks>
internal sealed class FileAttachments(string workingDirectory, Func<IReadOnlyList<string>> additionalDirectories)
{
    public const long MaxBytes = 256 * 1024;

    public AttachmentResult Attach(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var sb = new StringBuilder(prompt);
        var attached = new List<string>();
        var refused = new List<(string, string)>();
        var context = new ToolContext(workingDirectory) { AdditionalDirectories = [.. additionalDirectories()] };
        foreach (var word in prompt.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 1 && w[0] == '@').Distinct(StringComparer.Ordinal))
        {
            var rel = word[1..].TrimEnd(',', '.', ';', ':', '?', '!', ')');
            string full;
            try
            {
                full = Path.GetFullPath(rel, workingDirectory);
            }
            catch (ArgumentException)
            {
                continue;
            }
            if (!File.Exists(full))
            {
                // "@bob" is a name, not a file.
                continue;
            }
            if (!FilePathPolicy.TryResolve(full, "@" + rel, context, FileAccessKind.Read, out var path, out var error))
            {
                refused.Add((rel, error));
                continue;
            }
            if (new FileInfo(path).Length > MaxBytes)
            {
                refused.Add((rel, string.Create(CultureInfo.InvariantCulture, $"larger than {MaxBytes / 1024} KB; ask the model to read it")));
                continue;
            }
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                refused.Add((rel, ex.Message));
                continue;
            }
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                refused.Add((rel, "a binary file"));
                continue;
            }
            sb.Append(CultureInfo.InvariantCulture, $"\n\n<attached-file path=\"{path}\">\n{text}\n</attached-file>");
            attached.Add(rel);
        }
        return new AttachmentResult(sb.ToString(), attached, refused);
    }
}
