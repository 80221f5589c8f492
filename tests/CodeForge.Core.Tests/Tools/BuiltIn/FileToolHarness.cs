using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>
/// A temporary working directory with the file tools registered in their own registry and run through a
/// <see cref="ToolExecutor"/> (schema validation included), as the agent runs them.
/// </summary>
public sealed class FileToolHarness : IDisposable
{
    public FileToolHarness(FileToolOptions? options = null, FileReadTracker? tracker = null)
    {
        Root = FilePathPolicy.RealPath(Directory.CreateTempSubdirectory("forge-filetools-").FullName);
        Tracker = tracker ?? new FileReadTracker();
        Registry = new ToolRegistry();
        Registry.RegisterMany(BuiltInTools.CreateFileTools(Tracker, options));
        Executor = new ToolExecutor(Registry);
        Context = new ToolContext(Root);
    }

    public string Root { get; }

    public FileReadTracker Tracker { get; }

    public ToolRegistry Registry { get; }

    public ToolExecutor Executor { get; }

    public ToolContext Context { get; set; }

    public string PathOf(string relative) => Path.Join(Root, relative);

    public string WriteFile(string relative, string content) => WriteBytes(relative, Encoding.UTF8.GetBytes(content));

    public string WriteBytes(string relative, byte[] content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string ReadText(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Synchronous file helpers for assertions (the tools under test are the asynchronous part).</summary>
    public static string TextOf(string path) => File.ReadAllText(path);

    public static byte[] BytesOf(string path) => File.ReadAllBytes(path);

    public static void Overwrite(string path, string content) => File.WriteAllText(path, content);

    public Task<ToolResult> RunAsync(string tool, object arguments) => RunJsonAsync(tool, Json(arguments));

    public Task<ToolResult> RunJsonAsync(string tool, JsonElement arguments) =>
        Executor.ExecuteAsync(tool, arguments, Context, TestContext.Current.CancellationToken);

    /// <summary>Arguments as JSON: an anonymous object is not AOT-friendly, so build them from a dictionary or JsonNode.</summary>
    public static JsonElement Json(object arguments) => arguments switch
    {
        JsonElement e => e,
        JsonNode n => JsonElement.Parse(n.ToJsonString()),
        string s => JsonElement.Parse(s),
        IReadOnlyDictionary<string, object?> d => JsonElement.Parse(ToNode(d).ToJsonString()),
        _ => throw new ArgumentException("Pass a JsonElement, JsonNode, JSON string or dictionary.", nameof(arguments)),
    };

    public static Dictionary<string, object?> Args(params (string Name, object? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Name, p => p.Value);

    private static JsonObject ToNode(IReadOnlyDictionary<string, object?> d)
    {
        var o = new JsonObject();
        foreach (var (key, value) in d)
        {
            o[key] = value switch
            {
                null => null,
                string s => JsonValue.Create(s),
                bool b => JsonValue.Create(b),
                int i => JsonValue.Create(i),
                long l => JsonValue.Create(l),
                JsonNode n => n.DeepClone(),
                IReadOnlyDictionary<string, object?> inner => ToNode(inner),
                IEnumerable<IReadOnlyDictionary<string, object?>> list => new JsonArray([.. list.Select(x => (JsonNode)ToNode(x))]),
                _ => throw new ArgumentException($"Unsupported argument value {value.GetType().Name}."),
            };
        }
        return o;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
