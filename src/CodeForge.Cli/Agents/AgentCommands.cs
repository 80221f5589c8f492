using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CodeForge.Cli.Composition;
using CodeForge.Cli.Runtime;
using CodeForge.Core.Background;

namespace CodeForge.Cli.Agents;

/// <summary>
/// <c>forge agents</c>, <c>forge logs ID [-f]</c>, <c>forge attach ID</c>, <c>forge stop ID</c> and
/// <c>forge worktree clean [--force]</c>: the background agents of this user, read from the
/// <see cref="AgentRegistry"/>.
/// </summary>
/// <remarks>
/// <c>attach</c> on a finished agent opens its session in the interactive UI (a resume), after printing its transcript.
/// On an agent still running it prints the transcript so far, says it is running, and follows its log until it ends
/// (Ctrl-C leaves the agent running); the session is then opened as above. It never writes to a session another process
/// is writing.
/// </remarks>
internal static class AgentCommands
{
    public static IEnumerable<Command> Build()
    {
        var json = new Option<bool>("--json") { Description = "Print the records as a JSON array." };
        var agents = new Command("agents", "List background agents (running and finished) with status, cost, last activity, branch and diff stat.") { json };
        agents.SetAction((parse, ct) => ListAsync(parse.GetValue(json), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        yield return agents;

        var logsId = IdArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing as the agent writes, until it ends." };
        var rawOption = new Option<bool>("--raw") { Description = "Print the stream-json lines as written." };
        var logs = new Command("logs", "Show a background agent's output.") { logsId, follow, rawOption };
        logs.SetAction((parse, ct) => LogsAsync(parse.GetValue(logsId)!, parse.GetValue(follow), parse.GetValue(rawOption), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        yield return logs;

        var attachId = IdArgument();
        var attach = new Command("attach", "Open a background agent's session in the interactive UI (follows it first while it runs).") { attachId };
        attach.SetAction((parse, ct) => AttachAsync(parse.GetValue(attachId)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        yield return attach;

        var stopId = IdArgument();
        var stop = new Command("stop", "Stop a background agent (SIGTERM; SIGKILL after 10 s).") { stopId };
        stop.SetAction((parse, ct) => StopAsync(parse.GetValue(stopId)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        yield return stop;

        var worktree = new Command("worktree", "Manage the git worktrees of --worktree sessions.");
        var force = new Option<bool>("--force") { Description = "Also remove worktrees with uncommitted changes." };
        var clean = new Command("clean", "Remove the worktrees under .forge/worktrees that no running agent uses (kept if they have uncommitted changes).") { force };
        clean.SetAction((parse, ct) => Worktrees.CleanAsync(Environment.CurrentDirectory, parse.GetValue(force), AgentSelf.Registry(), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        worktree.Subcommands.Add(clean);
        yield return worktree;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The agent's id (or a unique prefix of it), as forge agents shows it." };

    private static async Task<int> ListAsync(bool json, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var registry = AgentSelf.Registry();
        var records = registry.List(out var problems);
        foreach (var problem in problems)
        {
            await error.WriteLineAsync($"forge: {problem}").ConfigureAwait(false);
        }
        var shown = records.Select(r => r with { Status = registry.EffectiveStatus(r), LastActivity = LastActivity(r) }).ToArray();
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(shown, AgentJsonContext.Default.AgentRecordArray)).ConfigureAwait(false);
            return 0;
        }
        if (shown.Length == 0)
        {
            await output.WriteLineAsync("No background agents. Start one with: forge --bg -p \"what to do\"").ConfigureAwait(false);
            return 0;
        }
        var now = TimeProvider.System.GetUtcNow();
        await output.WriteLineAsync($"{"ID",-8}  {"STATUS",-8}  {"PID",7}  {"ACTIVE",8}  {"COST",9}  {"SESSION",-8}  {"BRANCH / DIFF",-30}  PROMPT").ConfigureAwait(false);
        foreach (var r in shown)
        {
            var branch = r.Worktree is null ? "-" : $"{r.Branch} {await Worktrees.DiffStatAsync(r.Worktree, r.BaseCommit, ct).ConfigureAwait(false)}";
            var prompt = r.Prompt.ReplaceLineEndings(" ");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{r.Id,-8}  {r.Status,-8}  {r.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",7}  {Ago(now - r.LastActivity),8}  {AgentSelf.FormatCost(r.CostUsd),9}  {(r.SessionId ?? "-")[..Math.Min(8, (r.SessionId ?? "-").Length)],-8}  {branch,-30}  {(prompt.Length > 50 ? prompt[..50] + "…" : prompt)}")).ConfigureAwait(false);
        }
        return 0;
    }

    private static DateTimeOffset LastActivity(AgentRecord r)
    {
        var log = File.Exists(r.LogPath) ? new DateTimeOffset(File.GetLastWriteTimeUtc(r.LogPath), TimeSpan.Zero) : r.LastActivity;
        return log > r.LastActivity ? log : r.LastActivity;
    }

    private static string Ago(TimeSpan span) => span.TotalSeconds < 60
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)span.TotalSeconds)}s ago")
        : span.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m ago")
        : span.TotalHours < 48 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h ago")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d ago");

    private static async Task<(AgentRegistry Registry, AgentRecord? Record)> FindAsync(string id, TextWriter error)
    {
        var registry = AgentSelf.Registry();
        try
        {
            if (registry.Get(id) is { } record)
            {
                return (registry, record);
            }
            await error.WriteLineAsync($"forge: no background agent '{id}' (forge agents lists them).").ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await error.WriteLineAsync($"forge: the record of agent '{id}' is not valid JSON ({ex.Message}).").ConfigureAwait(false);
        }
        return (registry, null);
    }

    private static async Task<int> LogsAsync(string id, bool follow, bool raw, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var (registry, record) = await FindAsync(id, error).ConfigureAwait(false);
        if (record is null)
        {
            return 1;
        }
        if (!File.Exists(record.LogPath))
        {
            await error.WriteLineAsync($"forge: agent {record.Id} has no log yet ({record.LogPath}).").ConfigureAwait(false);
            return follow ? await FollowAsync(registry, record, 0, raw, output, ct).ConfigureAwait(false) : 1;
        }
        var position = await PrintFromAsync(record.LogPath, 0, raw, output, ct).ConfigureAwait(false);
        return follow ? await FollowAsync(registry, record, position, raw, output, ct).ConfigureAwait(false) : 0;
    }

    /// <summary>Prints the whole lines of the log from <paramref name="position"/>; returns where the next read starts.</summary>
    private static async Task<long> PrintFromAsync(string path, long position, bool raw, TextWriter output, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return position;
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(position, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - position];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        var end = Array.LastIndexOf(buffer, (byte)'\n', read - 1 < 0 ? 0 : read - 1);
        if (read == 0 || end < 0)
        {
            return position;
        }
        foreach (var line in System.Text.Encoding.UTF8.GetString(buffer, 0, end).Split('\n'))
        {
            var text = raw ? line : AgentLog.Render(line);
            if (text.Length > 0)
            {
                await output.WriteLineAsync(text).ConfigureAwait(false);
            }
        }
        await output.FlushAsync(ct).ConfigureAwait(false);
        return position + end + 1;
    }

    /// <summary>Prints what the agent writes until its process is gone (polls the log every 200 ms), then the rest.</summary>
    private static async Task<int> FollowAsync(AgentRegistry registry, AgentRecord record, long position, bool raw, TextWriter output, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        try
        {
            while (AgentStatus.IsLive(registry.EffectiveStatus(registry.Get(record.Id) ?? record)))
            {
                position = await PrintFromAsync(record.LogPath, position, raw, output, ct).ConfigureAwait(false);
                await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        await PrintFromAsync(record.LogPath, position, raw, output, ct).ConfigureAwait(false);
        var final = registry.Get(record.Id) ?? record;
        await output.WriteLineAsync($"[agent {final.Id} {registry.EffectiveStatus(final)}]").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> AttachAsync(string id, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var (registry, record) = await FindAsync(id, error).ConfigureAwait(false);
        if (record is null)
        {
            return 1;
        }
        var position = await PrintFromAsync(record.LogPath, 0, raw: false, output, ct).ConfigureAwait(false);
        if (AgentStatus.IsLive(registry.EffectiveStatus(record)))
        {
            await output.WriteLineAsync($"Agent {record.Id} is still running (pid {record.Pid}); following it. Ctrl-C detaches and leaves it running; its session opens here when it ends.").ConfigureAwait(false);
            if (await FollowAsync(registry, record, position, raw: false, output, ct).ConfigureAwait(false) != 0)
            {
                return 130;
            }
            record = registry.Get(record.Id) ?? record;
        }
        if (record.SessionId is null)
        {
            await error.WriteLineAsync($"forge: agent {record.Id} has no session to open (status {registry.EffectiveStatus(record)}).").ConfigureAwait(false);
            return 1;
        }
        await output.WriteLineAsync($"Agent {record.Id} {registry.EffectiveStatus(record)}. Opening session {record.SessionId} (forge -r {record.SessionId}).").ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
        Environment.CurrentDirectory = record.WorkingDirectory;
        var options = new ForgeOptions { WorkingDirectory = record.WorkingDirectory, Resume = record.SessionId };
        return await Interactive.InteractiveRunner.RunAsync(options, Environment.GetEnvironmentVariable, ct).ConfigureAwait(false);
    }

    private static async Task<int> StopAsync(string id, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var (registry, record) = await FindAsync(id, error).ConfigureAwait(false);
        if (record is null)
        {
            return 1;
        }
        var status = registry.EffectiveStatus(record);
        if (!AgentStatus.IsLive(status) || record.Pid is not { } pid)
        {
            await output.WriteLineAsync($"Agent {record.Id} is not running ({status}).").ConfigureAwait(false);
            return 0;
        }
        _ = NativeMethods.Kill(pid, NativeMethods.SigTerm);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        var started = TimeProvider.System.GetTimestamp();
        while (ProcessProbe.IsAlive(pid, record.ProcessStart))
        {
            if (TimeProvider.System.GetElapsedTime(started) > TimeSpan.FromSeconds(10))
            {
                _ = NativeMethods.Kill(pid, NativeMethods.SigKill);
            }
            await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        var final = registry.Update(record.Id, r => AgentStatus.IsLive(r.Status)
            ? r with { Status = AgentStatus.Stopped, Ended = TimeProvider.System.GetUtcNow() }
            : r) ?? record;
        await output.WriteLineAsync($"Agent {final.Id} {final.Status}. Resume its session with: forge -r {final.SessionId}").ConfigureAwait(false);
        return 0;
    }
}
