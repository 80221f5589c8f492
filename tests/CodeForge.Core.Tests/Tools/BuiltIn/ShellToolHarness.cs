using System.Text.Json;
using CodeForge.Core.Shells;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>
/// A temporary working directory with the shell tools (and Read) registered in their own registry over a real
/// <see cref="ShellManager"/>, run through a <see cref="ToolExecutor"/> (schema validation included), as the agent runs them.
/// </summary>
public sealed class ShellToolHarness : IAsyncDisposable
{
    public ShellToolHarness(BashToolOptions? options = null, string? root = null)
    {
        Root = root ?? FilePathPolicy.RealPath(Directory.CreateTempSubdirectory("forge-bash-").FullName);
        OutputDirectory = Path.Combine(FilePathPolicy.RealPath(Directory.CreateTempSubdirectory("forge-bash-out-").FullName), "session");
        Options = (options ?? BashToolOptions.Default) with { OutputDirectory = OutputDirectory };
        Shells = new ShellManager(Options.Launcher);
        Registry = new ToolRegistry();
        Registry.RegisterMany(BuiltInTools.CreateShellTools(Shells, Options));
        Registry.Register(new ReadTool(new FileReadTracker()));
        Executor = new ToolExecutor(Registry);
        Context = new ToolContext(Root) { AdditionalDirectories = [Path.GetDirectoryName(OutputDirectory)!] };
    }

    public string Root { get; }

    public string OutputDirectory { get; }

    public BashToolOptions Options { get; }

    public ShellManager Shells { get; }

    public ToolRegistry Registry { get; }

    public ToolExecutor Executor { get; }

    public ToolContext Context { get; set; }

    public BashTool Bash => (BashTool)Registry.Get("Bash")!;

    public string PathOf(string relative) => Path.Join(Root, relative);

    public Task<ToolResult> RunAsync(string tool, object arguments, CancellationToken? cancellationToken = null) =>
        Executor.ExecuteAsync(tool, FileToolHarness.Json(arguments), Context, cancellationToken ?? TestContext.Current.CancellationToken);

    public Task<ToolResult> BashAsync(string command, long? timeoutMs = null) =>
        RunAsync("Bash", timeoutMs is { } t
            ? FileToolHarness.Args(("command", command), ("timeout", t))
            : FileToolHarness.Args(("command", command)));

    /// <summary>Calls the tool directly, without the executor's schema validation.</summary>
    public Task<ToolResult> DirectAsync(string tool, string json) =>
        Registry.Get(tool)!.ExecuteAsync(JsonElement.Parse(json), Context, TestContext.Current.CancellationToken);

    /// <summary>Waits (on a file-system watcher, no polling) until <paramref name="path"/> exists.</summary>
    public static async Task WaitForFileAsync(string path, CancellationToken cancellationToken)
    {
        var appeared = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path));
        watcher.Created += (_, _) => appeared.TrySetResult();
        watcher.Renamed += (_, _) => appeared.TrySetResult();
        watcher.Changed += (_, _) => appeared.TrySetResult();
        watcher.EnableRaisingEvents = true;
        if (File.Exists(path))
        {
            return;
        }
        await appeared.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Shells.DisposeAsync();
        foreach (var directory in new[] { Root, Path.GetDirectoryName(OutputDirectory)! })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
