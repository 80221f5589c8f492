using System.Diagnostics;
using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.StreamJson;

/// <summary>
/// Runs a scenario of <c>tests/agent-sdk/scenario.mjs</c>: the official Claude Agent SDK (pinned by
/// <c>tests/agent-sdk/package-lock.json</c>, installed with <see cref="InstallCommand"/>) driving the real forge (the
/// shipped build, <see cref="CodeForge.Testing.Forge.ForgeBinary"/>, through a small launcher script that the SDK starts).
/// </summary>
internal static class AgentSdk
{
    public const string InstallCommand = "npm ci --prefix tests/agent-sdk";

    public sealed record Run(int ExitCode, IReadOnlyList<JsonElement> Messages, JsonElement Facts, string? Error, string StdErr)
    {
        public IEnumerable<JsonElement> OfType(string type) => Messages.Where(m => m.GetProperty("type").GetString() == type);

        public IReadOnlyList<JsonElement> Results => [.. OfType("result")];

        public string Describe() => $"exit {ExitCode}, error: {Error}\nstderr: {StdErr}\nmessages:\n{string.Join("\n", Messages.Select(m => m.GetRawText()))}";
    }

    private static string PackageDirectory => Path.Combine(McpTestServers.RepositoryRoot, "tests", "agent-sdk");

    /// <summary>Writes an executable that starts the shipped forge with its arguments (what <c>pathToClaudeCodeExecutable</c>
    /// names).</summary>
    public static string WriteForgeLauncher(string directory)
    {
        var launcher = Path.Combine(directory, "forge");
        File.WriteAllText(launcher, $"#!/bin/sh\nexec {CodeForge.Testing.Forge.ForgeBinary.ShellCommand} \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return launcher;
    }

    public static async Task<Run> RunAsync(string scenario, string cli, string cwd, object extra, IReadOnlyDictionary<string, string> environment)
    {
        var sdk = Path.Combine(PackageDirectory, "node_modules", "@anthropic-ai", "claude-agent-sdk", "package.json");
        Assert.True(File.Exists(sdk), $"The Claude Agent SDK is not installed ({sdk} is missing): run `{InstallCommand}` in the repository root.");
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PackageDirectory,
        };
        foreach (var key in new[] { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OLLAMA_HOST", "FORGE_PROVIDER", "FORGE_MODEL", "CLAUDE_CODE_ENTRYPOINT" })
        {
            psi.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }
        ForgeProcess.ApplyTestDefaults(psi); // the SDK passes its environment on to forge
        psi.ArgumentList.Add(Path.Combine(PackageDirectory, "scenario.mjs"));
        psi.ArgumentList.Add(scenario);
        psi.ArgumentList.Add(cli);
        psi.ArgumentList.Add(cwd);
        psi.ArgumentList.Add(JsonSerializer.Serialize(extra));
        using var process = Process.Start(psi)!;
        // A watchdog, not a synchroniser: a hang fails the test instead of the run.
        using var timeout = new CancellationTokenSource(ForgeProcess.Watchdog);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the SDK scenario '{scenario}' did not end within {ForgeProcess.Watchdog.TotalMinutes:0} minutes");
        }
        var messages = new List<JsonElement>();
        JsonElement facts = default;
        string? error = null;
        foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var root = JsonDocument.Parse(line).RootElement;
            if (root.TryGetProperty("sdk", out var message))
            {
                messages.Add(message);
            }
            else if (root.TryGetProperty("done", out var done))
            {
                facts = done;
            }
            else if (root.TryGetProperty("error", out var e))
            {
                error = e.GetString();
                facts = root.GetProperty("facts");
            }
        }
        return new Run(process.ExitCode, messages, facts, error, await stderr);
    }
}
