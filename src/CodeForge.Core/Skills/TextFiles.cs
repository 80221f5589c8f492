using System.Text;

namespace CodeForge.Core.Skills;

/// <summary>
/// Reads a whole text file as <see cref="File.ReadAllText(string, Encoding)"/> with UTF-8 does (a UTF-8 byte order mark
/// dropped, invalid bytes replaced), in one read of the file's bytes instead of through a <see cref="StreamReader"/>
/// and its buffers: start-up reads every SKILL.md, command and agent file of every plugin.
/// </summary>
/// <remarks>Stateless; thread-safe. Throws what <see cref="File.ReadAllBytes"/> throws.</remarks>
internal static class TextFiles
{
    public static string ReadAllText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        // A UTF-16 or UTF-32 byte order mark: the stream reader detects the encoding.
        if (bytes.Length >= 2 && (bytes[0] == 0xFF && bytes[1] == 0xFE || bytes[0] == 0xFE && bytes[1] == 0xFF)
            || bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF)
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        return Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }
}
