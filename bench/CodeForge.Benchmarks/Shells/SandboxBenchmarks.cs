using BenchmarkDotNet.Attributes;
using CodeForge.Core.Permissions;
using CodeForge.Core.Shells;
using CodeForge.Core.Shells.Sandbox;

namespace CodeForge.Benchmarks.Shells;

/// <summary>
/// One foreground Bash call (<c>true</c>) run the way the Bash tool runs it (CommandRunner: bash evaluating the command in
/// its own process group): bare, inside bubblewrap without deny rules, and inside bubblewrap with 50 <c>Read(…)</c> deny
/// rules whose 50 matching files are masked (the rules resolved against the file system for every call, as in forge).
/// Plus the resolution of the 50 rules alone, without a process.
/// </summary>
[MemoryDiagnoser]
public class SandboxBenchmarks
{
    private const int Masked = 50;
    private string _workspace = null!;
    private CommandRunner _bare = null!;
    private CommandRunner _sandboxed = null!;
    private CommandRunner _masked = null!;
    private PermissionSandboxDenials _denials = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _workspace = Directory.CreateTempSubdirectory("forge-sandbox-bench-").FullName;
        var deny = new List<string>();
        for (var i = 0; i < Masked; i++)
        {
            await File.WriteAllTextAsync(Path.Join(_workspace, $"secret-{i:00}.txt"), "secret");
            deny.Add($"Read(./secret-{i:00}.txt)");
        }
        var rules = PermissionRuleSet.Load(PermissionLayer.Project, [], [], deny, baseDirectory: _workspace).Rules;
        var policy = PermissionPolicy.Create(_workspace, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), PermissionRuleSet.Empty)
            .WithLayer(PermissionLayer.Project, rules);
        _denials = new PermissionSandboxDenials(() => policy);
        var probe = await BubblewrapSandbox.ProbeOnceAsync();
        if (!probe.Works)
        {
            throw new InvalidOperationException($"bubblewrap does not work here: {probe.FailureReason}");
        }
        _bare = new CommandRunner();
        _sandboxed = new CommandRunner(new SandboxedProcessLauncher(SystemProcessLauncher.Instance, probe.Path!, new SandboxPolicy([_workspace])));
        _masked = new CommandRunner(new SandboxedProcessLauncher(SystemProcessLauncher.Instance, probe.Path!, new SandboxPolicy([_workspace], Denials: _denials)));
        if (_denials.Resolve(null).Unreadable.Length != Masked)
        {
            throw new InvalidOperationException("the deny rules did not resolve to 50 masked paths");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_workspace, recursive: true);

    [Benchmark(Baseline = true, Description = "bare: bash -c true")]
    public Task<CommandRunResult> Bare() => _bare.RunAsync(new CommandRequest("true", _workspace));

    [Benchmark(Description = "bubblewrap, no deny rules")]
    public Task<CommandRunResult> Sandboxed() => _sandboxed.RunAsync(new CommandRequest("true", _workspace));

    [Benchmark(Description = "bubblewrap, 50 masked paths")]
    public Task<CommandRunResult> Masked50() => _masked.RunAsync(new CommandRequest("true", _workspace));

    [Benchmark(Description = "resolve 50 Read deny rules (no process)")]
    public SandboxMounts Resolve() => _denials.Resolve(null);
}
