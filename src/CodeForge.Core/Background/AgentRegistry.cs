using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CodeForge.Core.Sessions;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Background;

/// <summary>
/// The per-user registry of background agents that <c>forge agents</c> reads: one JSON file per agent,
/// <c>&lt;directory&gt;/&lt;id&gt;.json</c> (default <c>~/.forge/agents</c>, or <c>$FORGE_AGENTS_DIR</c>), with the agent's
/// log beside it (<c>&lt;id&gt;.log</c>). No daemon and no shared index: each agent process writes only its own file.
/// </summary>
/// <remarks>
/// Concurrency contract: any number of threads and processes may use registries over the same directory at once.
/// Every write is atomic (a temporary file in the same folder, flushed to disk, renamed over the record), so a reader
/// sees a whole old record or a whole new one, never a part. <see cref="Create"/> and <see cref="Update"/> run
/// read-modify-write under the record's advisory file lock (<c>.locks/&lt;id&gt;.lock</c>, released by the kernel if the
/// holder dies), so two writers of one record (the agent finishing and <c>forge stop</c>) never lose each other's
/// change. Readers (<see cref="Get"/>, <see cref="List()"/>) take no lock. Temporary files of a writer that died are
/// removed by the next <see cref="List()"/>.
/// </remarks>
public sealed class AgentRegistry
{
    /// <summary>Overrides the registry folder (tests, several users on one account).</summary>
    public const string DirectoryVariable = "FORGE_AGENTS_DIR";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
    private readonly TimeProvider _time;

    /// <summary>A registry over <paramref name="directory"/>.</summary>
    public AgentRegistry(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The registry folder.</summary>
    public string Directory { get; }

    /// <summary><c>$FORGE_AGENTS_DIR</c> if set, else <c>&lt;home&gt;/.forge/agents</c>.</summary>
    public static string DefaultDirectory(Func<string, string?> environment, string home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment(DirectoryVariable) is { Length: > 0 } configured
            ? configured
            : ForgeFiles.InUserDirectory(home, "agents");
    }

    /// <summary>A new random agent id (8 lower-case hex digits).</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>The log file of agent <paramref name="id"/>.</summary>
    public string LogPathFor(string id) => Path.Combine(Directory, id + ".log");

    private string RecordPath(string id) => Path.Combine(Directory, id + ".json");

    private string LockPath(string id) => Path.Combine(Directory, ".locks", id + ".lock");

    /// <summary>Writes a new record; fails if one with its id exists.</summary>
    /// <exception cref="IOException">A record with this id already exists.</exception>
    public AgentRecord Create(AgentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ValidateId(record.Id);
        using var held = FileLock.Acquire(LockPath(record.Id), LockTimeout);
        if (File.Exists(RecordPath(record.Id)))
        {
            throw new IOException($"A background agent with id {record.Id} already exists ({RecordPath(record.Id)}).");
        }
        var stamped = record with { LastActivity = _time.GetUtcNow() };
        WriteAtomically(stamped);
        return stamped;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the current record of <paramref name="id"/> and writes the result, all under
    /// the record's lock; returns the written record, or null when there is no such record.
    /// </summary>
    public AgentRecord? Update(string id, Func<AgentRecord, AgentRecord> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        ValidateId(id);
        using var held = FileLock.Acquire(LockPath(id), LockTimeout);
        if (Read(RecordPath(id)) is not { } current)
        {
            return null;
        }
        var next = change(current) with { Id = current.Id, LastActivity = _time.GetUtcNow() };
        WriteAtomically(next);
        return next;
    }

    /// <summary>The record of <paramref name="idOrPrefix"/> (an id, or a prefix of exactly one id), or null.</summary>
    /// <exception cref="ArgumentException">The prefix matches several agents.</exception>
    public AgentRecord? Get(string idOrPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrPrefix);
        if (IsValidId(idOrPrefix) && Read(RecordPath(idOrPrefix)) is { } exact)
        {
            return exact;
        }
        var matches = List().Where(r => r.Id.StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new ArgumentException(
                $"'{idOrPrefix}' matches {matches.Count} agents ({string.Join(", ", matches.Select(m => m.Id))}); give more of the id.", nameof(idOrPrefix)),
        };
    }

    /// <summary>Every readable record, newest first. Unreadable files are skipped.</summary>
    public IReadOnlyList<AgentRecord> List() => List(out _);

    /// <summary>As <see cref="List()"/>, also naming the files that could not be read and why.</summary>
    public IReadOnlyList<AgentRecord> List(out IReadOnlyList<string> problems)
    {
        var found = new List<AgentRecord>();
        var bad = new List<string>();
        problems = bad;
        if (!System.IO.Directory.Exists(Directory))
        {
            return found;
        }
        RemoveDeadWritersTemporaryFiles();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            try
            {
                if (Read(path) is { } record)
                {
                    found.Add(record);
                }
            }
            catch (JsonException ex)
            {
                bad.Add($"{path}: not a valid agent record ({ex.Message})");
            }
        }
        found.Sort((a, b) => b.Started.CompareTo(a.Started));
        return found;
    }

    /// <summary>
    /// The status to show: the stored one, except that a record still starting or running whose process is gone (or
    /// was never recorded and the launch is over a minute old) is <see cref="AgentStatus.Died"/>.
    /// </summary>
    public string EffectiveStatus(AgentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!AgentStatus.IsLive(record.Status))
        {
            return record.Status;
        }
        if (record.Pid is not { } pid)
        {
            return _time.GetUtcNow() - record.Started > TimeSpan.FromMinutes(1) ? AgentStatus.Died : record.Status;
        }
        return ProcessProbe.IsAlive(pid, record.ProcessStart) ? record.Status : AgentStatus.Died;
    }

    /// <summary>Removes the record file of an agent (not its log).</summary>
    public bool Remove(string id)
    {
        ValidateId(id);
        using var held = FileLock.Acquire(LockPath(id), LockTimeout);
        var path = RecordPath(id);
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        return true;
    }

    private static AgentRecord? Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        return JsonSerializer.Deserialize(text, AgentJsonContext.Default.AgentRecord);
    }

    private void WriteAtomically(AgentRecord record)
    {
        SessionPaths.CreatePrivateDirectory(Directory);
        var temp = Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture,
            $".{record.Id}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, record, AgentJsonContext.Default.AgentRecord);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, RecordPath(record.Id), overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private void RemoveDeadWritersTemporaryFiles()
    {
        foreach (var temp in System.IO.Directory.EnumerateFiles(Directory, ".*.tmp"))
        {
            var parts = Path.GetFileName(temp).Split('.');
            // ".<id>.<pid>.<guid>.tmp" splits into "", id, pid, guid, "tmp".
            if (parts.Length == 5 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !ProcessProbe.IsAlive(pid, null))
            {
                try
                {
                    File.Delete(temp);
                }
                catch (IOException)
                {
                    // Another lister removed it first.
                }
            }
        }
    }

    private static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static void ValidateId(string id)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException($"'{id}' is not a valid agent id (letters, digits, '-' and '_', at most 64).", nameof(id));
        }
    }
}
