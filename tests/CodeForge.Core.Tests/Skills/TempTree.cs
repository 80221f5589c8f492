namespace CodeForge.Core.Tests.Skills;

/// <summary>A temporary directory tree for loader tests; deleted on dispose.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree(string prefix = "forge-ext-") => Root = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Root { get; }

    public string this[string relative] => Path.Combine(Root, relative);

    /// <summary>Writes <paramref name="content"/> to <paramref name="relative"/> (directories created) and returns the full path.</summary>
    public string Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public static string Skill(string name, string description, string body = "Do the thing.", string extra = "") =>
        $"---\nname: {name}\ndescription: {description}\n{extra}---\n{body}\n";

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
