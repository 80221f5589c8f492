using System.Globalization;
using System.Text.Json;
using CodeForge.Core.Background;

namespace CodeForge.Cli.Agents;

/// <summary>
/// The agent side of a background agent: a forge process started by <c>forge --bg</c> finds its id in
/// <c>FORGE_AGENT_ID</c>, leaves the terminal's session (<c>setsid</c>), marks its record running, and when the run
/// ends writes the final status, exit code and cost (read from the result line of its own stream-json log).
/// </summary>
/// <remarks>Called on the main flow only (<see cref="Begin"/> from the root action, <see cref="Finish"/> from Main).</remarks>
internal static class AgentSelf
{
    public const string IdVariable = "FORGE_AGENT_ID";

    private static string? _id;
    private static Worktrees.Created? _worktree;

    /// <summary>A foreground session runs in <paramref name="worktree"/>: <see cref="Finish"/> reports its diff stat and how
    /// to go on with it or remove it (the worktree is kept: <c>forge worktree clean</c> removes finished ones).</summary>
    public static void InWorktree(Worktrees.Created worktree) => _worktree = worktree;

    public static AgentRegistry Registry()
    {
        var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new AgentRegistry(AgentRegistry.DefaultDirectory(Environment.GetEnvironmentVariable, home));
    }

    /// <summary>In an agent process: detaches from the terminal and marks the record running. Elsewhere: nothing.</summary>
    public static void Begin()
    {
        if (_id is not null || Environment.GetEnvironmentVariable(IdVariable) is not { Length: > 0 } id)
        {
            return;
        }
        // Not for this process's children (Bash commands, hooks, MCP servers, a nested forge --bg).
        Environment.SetEnvironmentVariable(IdVariable, null);
        _id = id;
        if (!OperatingSystem.IsWindows())
        {
            _ = NativeMethods.SetSid();
        }
        var pid = Environment.ProcessId;
        var start = ProcessProbe.StartTime(pid);
        Registry().Update(id, r => r with { Pid = pid, ProcessStart = start, Status = AgentStatus.IsLive(r.Status) ? AgentStatus.Running : r.Status });
    }

    /// <summary>In an agent process that began: records how the run ended. Returns <paramref name="exitCode"/>.</summary>
    public static int Finish(int exitCode)
    {
        if (_worktree is { } worktree)
        {
            ReportWorktree(worktree, Console.Error);
        }
        if (_id is not { } id)
        {
            return exitCode;
        }
        Console.Out.Flush();
        var registry = Registry();
        var (cost, session) = ReadResult(registry.Get(id)?.LogPath);
        registry.Update(id, r => r with
        {
            Status = !AgentStatus.IsLive(r.Status) ? r.Status : exitCode switch
            {
                0 => AgentStatus.Finished,
                130 or 143 => AgentStatus.Stopped,
                _ => AgentStatus.Failed,
            },
            ExitCode = exitCode,
            CostUsd = cost ?? r.CostUsd,
            SessionId = r.SessionId ?? session,
            Ended = TimeProvider.System.GetUtcNow(),
        });
        return exitCode;
    }

    /// <summary>Where the session's worktree stands: its branch, what changed since it was created, and what to do next.</summary>
    internal static void ReportWorktree(Worktrees.Created worktree, TextWriter error)
    {
        string stat;
        try
        {
#pragma warning disable VSTHRD002 // Main is synchronous and has no synchronization context: this wait cannot deadlock
            stat = Task.Run(() => Worktrees.DiffStatAsync(worktree.Path, worktree.BaseCommit, CancellationToken.None)).GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            stat = "diff stat unavailable: " + ex.Message;
        }
        error.WriteLine($"forge: worktree {worktree.Path} (branch {worktree.Branch}): {stat}");
        error.WriteLine($"forge: the worktree is kept: cd {worktree.Path} to go on, git merge {worktree.Branch} to take its commits; " +
            "forge worktree clean removes finished worktrees");
        error.Flush();
    }

    /// <summary>The cost and session id of the last <c>{"type":"result"}</c> line of a stream-json log.</summary>
    internal static (decimal? Cost, string? SessionId) ReadResult(string? logPath)
    {
        if (logPath is null || !File.Exists(logPath))
        {
            return (null, null);
        }
        string? session = null;
        decimal? cost = null;
        foreach (var line in File.ReadLines(logPath))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.TryGetProperty("session_id", out var s) && s.ValueKind == JsonValueKind.String)
                {
                    session ??= s.GetString();
                }
                if (root.TryGetProperty("type", out var t) && t.ValueEquals("result") && root.TryGetProperty("total_cost_usd", out var c) && c.TryGetDecimal(out var d))
                {
                    cost = d;
                }
            }
            catch (JsonException)
            {
                // A line of plain text (a warning on stderr): not an event.
            }
        }
        return (cost, session);
    }

    internal static string FormatCost(decimal? cost) =>
        cost is { } c ? "$" + c.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}
