using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;
using CodeForge.Core.Shells;
using CodeForge.Core.Shells.Sandbox;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Benchmarks.Agent;

/// <summary>
/// One Bash call (<c>true</c>) the whole way forge runs it — the one tool-call gate (rules on one snapshot; no hooks
/// configured), the executor, the Bash tool, bubblewrap with 50 masked paths from 50 <c>Read(…)</c> deny rules — against
/// a bare <c>sh -c true</c> started with <see cref="Process"/>; plus the gate's decision alone.
/// </summary>
[MemoryDiagnoser]
public class ToolCallGateBenchmarks
{
    private const int Masked = 50;
    private static readonly JsonElement True = JsonElement.Parse("""{"command": "true"}""");
    private string _workspace = null!;
    private ToolCallGate _gate = null!;
    private ToolExecutor _executor = null!;
    private ToolContext _context = null!;
    private ShellManager _shells = null!;
    private CommandRunner _runner = null!;
    private CommandRunner _sandboxedRunner = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _workspace = Directory.CreateTempSubdirectory("forge-gate-bench-").FullName;
        var deny = new List<string>();
        for (var i = 0; i < Masked; i++)
        {
            await File.WriteAllTextAsync(Path.Join(_workspace, $"secret-{i:00}.txt"), "secret");
            deny.Add($"Read(./secret-{i:00}.txt)");
        }
        var rules = PermissionRuleSet.Load(PermissionLayer.Project, ["Bash"], [], deny, baseDirectory: _workspace).Rules;
        var checker = new PermissionChecker(PermissionPolicy.Create(_workspace, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
            .WithLayer(PermissionLayer.Project, rules));
        var status = await BubblewrapSandbox.ConfigureAsync(true, new SandboxPolicy([_workspace], false, new PermissionSandboxDenials(() => checker.Policy)));
        if (!status.IsActive)
        {
            throw new InvalidOperationException(status.Description);
        }
        checker.Update(p => p.WithSandboxEnforcement(true));
        if (checker.Policy.SandboxPlan.Resolve(null).Unreadable.Length != Masked)
        {
            throw new InvalidOperationException("the deny rules did not resolve to 50 masked paths");
        }
        _runner = new CommandRunner();
        _sandboxedRunner = new CommandRunner(status.Launcher);
        var registry = new ToolRegistry();
        _shells = new ShellManager(status.Launcher);
        registry.RegisterMany(BuiltInTools.CreateShellTools(_shells, new BashToolOptions { Launcher = status.Launcher, Sandboxed = true }));
        _executor = new ToolExecutor(registry, maxHistory: 0);
        _context = new ToolContext(_workspace);
        _gate = new ToolCallGate(checker, new ToolCallGateOptions { Tools = registry });
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _gate.Dispose();
        await _shells.DisposeAsync();
        Directory.Delete(_workspace, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "bare: sh -c true")]
    public async Task<int> Bare()
    {
        using var process = Process.Start(new ProcessStartInfo("sh", ["-c", "true"]) { WorkingDirectory = _workspace, UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    [Benchmark(Description = "gate + Bash tool + bubblewrap, 50 masked paths")]
    public async Task<bool> ThroughTheGate()
    {
        var call = await _gate.RunAsync(_executor, "c", "Bash", True, _context, CancellationToken.None);
        return call.Result?.Success ?? throw new InvalidOperationException(call.Authorization.Reason);
    }

    [Benchmark(Description = "Core's CommandRunner, no sandbox (process group, eval, cwd report)")]
    public Task<CommandRunResult> Runner() => _runner.RunAsync(new CommandRequest("true", _workspace));

    [Benchmark(Description = "Core's CommandRunner in bubblewrap, 50 masked paths")]
    public Task<CommandRunResult> SandboxedRunner() => _sandboxedRunner.RunAsync(new CommandRequest("true", _workspace));

    [Benchmark(Description = "the gate's decision alone (no process)")]
    public async Task<bool> DecisionOnly() => (await _gate.AuthorizeAsync("Bash", True, CancellationToken.None)).Allowed;
}
