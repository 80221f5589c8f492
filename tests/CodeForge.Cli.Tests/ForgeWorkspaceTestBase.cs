using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests;

/// <summary>What a test class's <see cref="ForgeWorkspaceTestBase.Repo"/> holds before each test.</summary>
public enum ForgeRepository
{
    /// <summary>An empty folder with a <c>.git</c> folder in it: a project root to forge, no real repository.</summary>
    GitMarker,

    /// <summary>An empty folder, not marked as a repository.</summary>
    PlainFolder,

    /// <summary>A real git repository with one commit of <c>README.md</c> (<c>hello</c>).</summary>
    Committed,

    /// <summary>Neither the repository nor the home folder is made: the test class lays out its own.</summary>
    None,
}

/// <summary>
/// The set-up shared by the test classes that run the real <c>forge</c> program as a child process: per test a temporary
/// folder (<see cref="_root"/>) holding the user's <see cref="Home"/> and the <see cref="Repo"/> forge works in, a fake
/// model server (<see cref="_server"/>, real HTTP on 127.0.0.1), the environment for the child (<see cref="Env"/>), and
/// their disposal. A test class derives from it and keeps only what is its own; one that needs more set-up overrides
/// <see cref="InitializeAsync"/> or <see cref="DisposeAsync"/> and calls the base.
/// </summary>
/// <remarks>
/// Concurrency contract: xunit makes one instance per test and calls <see cref="InitializeAsync"/>, the test and
/// <see cref="DisposeAsync"/> one after another, so an instance is never used by two threads at once; nothing is shared
/// between instances (each has its own folder and server), so test classes may run in parallel.
/// </remarks>
[SuppressMessage("Design", "CA1051:Do not declare visible instance fields",
    Justification = "The field names are the ones the derived test bodies were written against.")]
public abstract class ForgeWorkspaceTestBase : IAsyncLifetime
{
    /// <summary>The temporary folder of this test (deleted after it), holding <see cref="Home"/> and <see cref="Repo"/>.</summary>
    protected readonly DirectoryInfo _root;

    /// <summary>The fake model server of this test, started by <see cref="InitializeAsync"/> (null without one).</summary>
    protected FakeModelServer _server = null!;

    private readonly string _repoFolder;
    private readonly ForgeRepository _repository;
    private readonly bool _modelServer;

    /// <param name="tempPrefix">The name the temporary folder starts with.</param>
    /// <param name="repository">What <see cref="Repo"/> holds before each test.</param>
    /// <param name="repoFolder">The name of the <see cref="Repo"/> folder under <see cref="_root"/>.</param>
    /// <param name="modelServer">Whether to start the fake model server (<see cref="_server"/>).</param>
    protected ForgeWorkspaceTestBase(string tempPrefix, ForgeRepository repository = ForgeRepository.GitMarker,
        string repoFolder = "repo", bool modelServer = true)
    {
        _root = Directory.CreateTempSubdirectory(tempPrefix);
        _repository = repository;
        _repoFolder = repoFolder;
        _modelServer = modelServer;
    }

    /// <summary>The user's home folder for forge (<c>HOME</c> in <see cref="Env"/>).</summary>
    protected string Home => Path.Combine(_root.FullName, "home");

    /// <summary>The folder forge works in.</summary>
    protected string Repo => Path.Combine(_root.FullName, _repoFolder);

    /// <summary>Lays out <see cref="Home"/> and <see cref="Repo"/> and starts the fake model server.</summary>
    public virtual async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        if (_repository != ForgeRepository.None)
        {
            Directory.CreateDirectory(Home);
            Directory.CreateDirectory(_repository == ForgeRepository.GitMarker ? Path.Combine(Repo, ".git") : Repo);
        }
        if (_repository == ForgeRepository.Committed)
        {
            await File.WriteAllTextAsync(Path.Combine(Repo, "README.md"), "hello\n", ct);
            await RunGitAsync("init", "-q");
            await RunGitAsync("add", ".");
            await RunGitAsync("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "init");
        }
        if (_modelServer)
        {
            _server = await FakeModelServer.StartAsync(cancellationToken: ct);
        }
    }

    /// <summary>Stops the fake model server and deletes the temporary folder.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _root.Delete(recursive: true);
    }

    /// <summary>
    /// The environment for a forge child process: the fake model server's variables (when there is one),
    /// <c>HOME</c> = <see cref="Home"/>, then <paramref name="extra"/>.
    /// </summary>
    protected Dictionary<string, string> Env(params (string Key, string Value)[] extra)
    {
        var env = _server is null ? [] : new Dictionary<string, string>(_server.EnvironmentVariables);
        env["HOME"] = Home;
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }
        return env;
    }

    /// <summary>Runs <c>git <paramref name="args"/></c> in <see cref="Repo"/>; fails the test unless it exits 0; returns its stdout.</summary>
    protected async Task<string> RunGitAsync(params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = Repo, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var git = Process.Start(psi)!;
        var stdout = git.StandardOutput.ReadToEndAsync(ct);
        var stderr = await git.StandardError.ReadToEndAsync(ct);
        await git.WaitForExitAsync(ct);
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {stderr}");
        return await stdout;
    }
}
