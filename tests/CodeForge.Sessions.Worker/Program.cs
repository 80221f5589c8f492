using System.Globalization;
using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Sessions.Worker;

/// <summary>
/// Writes one session, for the multi-process tests. Arguments:
/// <c>--root DIR --cwd DIR [--session-id ID] [--turns N] [--commit-every K] [--loop] [--payload BYTES]</c>.
/// Each turn appends a user message "turn T" and an assistant message "answer T" (plus a payload of x's). Prints
/// "session ID" once created and "committed T" after each commit. Without --loop it writes N turns, prints "done", exits 0;
/// with --loop it writes until killed. Exit 3: the session is locked by another writer; 4: it already exists.
/// The first argument <c>edit-line</c> or <c>hold-lock</c> selects the file-edit modes instead (<see cref="FileEditWorker"/>).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args is ["edit-line" or "hold-lock", ..])
        {
            return await FileEditWorker.RunAsync(args[0], args[1..]);
        }
        if (args is ["agent-update", ..])
        {
            return await AgentRegistryWorker.RunAsync(args[1..]);
        }
        string? root = null, cwd = null, id = null;
        int turns = 10, commitEvery = 1, payload = 0;
        var loop = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--root": root = args[++i]; break;
                case "--cwd": cwd = args[++i]; break;
                case "--session-id": id = args[++i]; break;
                case "--turns": turns = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--commit-every": commitEvery = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--payload": payload = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--loop": loop = true; break;
                default:
                    await Console.Error.WriteLineAsync($"unknown argument {args[i]}");
                    return 2;
            }
        }
        if (root is null || cwd is null)
        {
            await Console.Error.WriteLineAsync("--root and --cwd are required");
            return 2;
        }
        var manager = new SessionManager(cwd, new SessionManagerOptions { RootDirectory = root });
        Session session;
        try
        {
            session = await manager.CreateAsync(id);
        }
        catch (SessionLockedException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 3;
        }
        catch (SessionAlreadyExistsException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 4;
        }
        await using (session)
        {
            await Console.Out.WriteLineAsync($"session {session.Id}");
            await Console.Out.FlushAsync();
            var filler = new string('x', payload);
            for (var turn = 1; loop || turn <= turns; turn++)
            {
                await session.AppendMessageAsync(new ChatMessage(ChatRole.User, $"turn {turn}"));
                await session.AppendMessageAsync(new ChatMessage(ChatRole.Assistant, $"answer {turn}{filler}"));
                if (turn % commitEvery == 0)
                {
                    await session.CommitTurnAsync();
                    await Console.Out.WriteLineAsync($"committed {turn}");
                    await Console.Out.FlushAsync();
                }
            }
        }
        await Console.Out.WriteLineAsync("done");
        return 0;
    }
}
