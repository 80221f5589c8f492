using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Linearizability;
using CodeForge.Testing;

namespace CodeForge.Concurrency.Tests.Tools;

/// <summary>
/// Issue 16's check with the real binary: 16 <c>forge -p</c> processes, each driven by its own fake model server,
/// edit their own line of one file and race for one slot per round in a few shared files, with Bash reads (<c>cat</c>)
/// between rounds. The servers hold every model turn until all 16 processes have asked for it (a barrier on events:
/// all have read before any edits), and the test stamps each tool call's interval from those events: a call starts
/// after its turn is released and has ended when the next request arrives. The recorded history (edits as operations
/// on the file's content, Bash reads as reads of it) must be linearizable; every edit reported done must be in the
/// final content, and every refusal must be the freshness error. The broken variant (a lock folder per process, so no
/// exclusion between processes) loses edits.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class FileMutationLockForgeProcessTests : IDisposable
{
    private const int Processes = 16;
    private const int SharedFiles = 3;
    private const string Freshness = "changed on disk since you last read it";

    private readonly string _root = Directory.CreateTempSubdirectory("forge-edit-16-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Own(int p, int value) => string.Create(CultureInfo.InvariantCulture, $"worker {p:D2} value {value:D3}");

    private static string Open(int round) => string.Create(CultureInfo.InvariantCulture, $"slot {round:D2}: open");

    private static string Taken(int round, int p) => string.Create(CultureInfo.InvariantCulture, $"slot {round:D2}: taken by {p:D2}");

    private static string SharedName(int k) => string.Create(CultureInfo.InvariantCulture, $"shared-{k}.txt");

    /// <summary>An operation on one file's content, as the model saw it.</summary>
    internal sealed record FileOp(string File, string? Old, string? New, string? Observed)
    {
        public override string ToString() => Old is null ? $"read {File}" : $"edit {File}: '{Old}' -> '{New}'";
    }

    /// <summary>Applied / refused for an edit, the content for a read.</summary>
    internal sealed record FileResult(bool Applied, string? Content)
    {
        public override string ToString() => Content is null ? (Applied ? "applied" : "refused") : "content";
    }

    /// <summary>A file's content; an edit applies exactly when its old text occurs once, otherwise it is refused; a read
    /// returns the content (Bash output has its trailing newlines trimmed).</summary>
    internal sealed class FileContentModel(string initial) : SequentialModel<string, FileOp, FileResult>
    {
        public override string Init() => initial;

        public override IEnumerable<string> Step(string state, FileOp input, FileResult output)
        {
            if (input.Old is null)
            {
                return LegalIf(state.TrimEnd('\n') == output.Content!.TrimEnd('\n'), state);
            }
            var unique = Count(state, input.Old) == 1;
            return output.Applied
                ? unique ? Legal(state.Replace(input.Old, input.New, StringComparison.Ordinal)) : Illegal
                : LegalIf(!unique, state);
        }

        public override string Describe(string state) => state.ReplaceLineEndings(" | ");

        private static int Count(string text, string value)
        {
            var count = 0;
            for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
            {
                count++;
            }
            return count;
        }
    }

    /// <summary>What one run reported and left on disk.</summary>
    internal sealed record Outcome(
        int Applied, int Refused, int Other, int RefusedWithoutFreshnessError, int Lost, IReadOnlyList<string> Problems,
        IReadOnlyDictionary<string, CheckResult> Linearizability, TimeSpan Elapsed);

    /// <summary>Runs the scenario: <paramref name="rounds"/> rounds of (read turn, edit turn) in every process.</summary>
    internal static async Task<Outcome> RunAsync(string directory, int rounds, bool lockPerProcess)
    {
        var clock = Stopwatch.StartNew();
        var repo = Directory.CreateDirectory(Path.Join(directory, "repo")).FullName;
        Directory.CreateDirectory(Path.Join(repo, ".git"));
        var home = Directory.CreateDirectory(Path.Join(directory, "home")).FullName;
        var initial = new Dictionary<string, string>
        {
            ["main.txt"] = string.Concat(Enumerable.Range(0, Processes).Select(p => $"# line of worker {p}\n{Own(p, 0)}\n")),
        };
        for (var k = 0; k < SharedFiles; k++)
        {
            initial[SharedName(k)] = $"# shared file {k}\n" + string.Concat(Enumerable.Range(1, rounds).Select(r => Open(r) + "\n"));
        }
        foreach (var (name, text) in initial)
        {
            await File.WriteAllTextAsync(Path.Join(repo, name), text, Ct);
        }

        var turns = 2 * rounds + 1;
        var servers = new List<FakeModelServer>();
        var holds = new TaskCompletionSource[Processes, turns + 1];
        var calls = new List<(int Process, int Turn, string Id, FileOp Op)>();
        try
        {
            for (var p = 0; p < Processes; p++)
            {
                var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
                servers.Add(server);
                for (var t = 1; t <= turns; t++)
                {
                    holds[p, t] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                for (var r = 1; r <= rounds; r++)
                {
                    var shared = SharedName((p + r) % SharedFiles);
                    var other = SharedName((p + r + 1) % SharedFiles);
                    var read = new List<ScriptedToolCall>
                    {
                        Call($"r{r}-read-main", "Read", new { file_path = Path.Join(repo, "main.txt") }),
                        Call($"r{r}-read-shared", "Read", new { file_path = Path.Join(repo, shared) }),
                        Call($"r{r}-cat-main", "Bash", new { command = "cat main.txt" }),
                        Call($"r{r}-cat-other", "Bash", new { command = "cat " + other }),
                    };
                    calls.Add((p, 2 * r - 1, $"r{r}-cat-main", new FileOp("main.txt", null, null, null)));
                    calls.Add((p, 2 * r - 1, $"r{r}-cat-other", new FileOp(other, null, null, null)));
                    var edit = new List<ScriptedToolCall>
                    {
                        Call($"r{r}-edit-main", "Edit", new { file_path = Path.Join(repo, "main.txt"), old_string = Own(p, r - 1), new_string = Own(p, r) }),
                        Call($"r{r}-edit-shared", "Edit", new { file_path = Path.Join(repo, shared), old_string = Open(r), new_string = Taken(r, p) }),
                    };
                    calls.Add((p, 2 * r, $"r{r}-edit-main", new FileOp("main.txt", Own(p, r - 1), Own(p, r), null)));
                    calls.Add((p, 2 * r, $"r{r}-edit-shared", new FileOp(shared, Open(r), Taken(r, p), null)));
                    server.Enqueue(
                        new ScriptedTurn { ToolCalls = read, HoldUntil = holds[p, 2 * r - 1].Task },
                        new ScriptedTurn { ToolCalls = edit, HoldUntil = holds[p, 2 * r].Task });
                }
                server.Enqueue(new ScriptedTurn { Text = "done", HoldUntil = holds[p, turns].Task });
            }

            var processes = Enumerable.Range(0, Processes).Select(p =>
            {
                var env = new Dictionary<string, string>(servers[p].EnvironmentVariables)
                {
                    ["HOME"] = home,
                    ["FORGE_FILE_LOCK_DIR"] = lockPerProcess ? Path.Join(directory, $"locks-{p}") : Path.Join(directory, "locks"),
                };
                return ForgeChild.Start(["-p", "edit your line", "--provider", "openai", "--model", "gpt-4o", "--permission-mode", "bypassPermissions", "--output-format", "json"], repo, env);
            }).ToList();
            try
            {
                // Stamps from one counter: a call is stamped before its turn is released, a return after the next request
                // (which carries the call's result) has arrived.
                long stamp = 0;
                var released = new long[Processes, turns + 2];
                var arrived = new long[Processes, turns + 2];
                for (var t = 1; t <= turns; t++)
                {
                    for (var p = 0; p < Processes; p++)
                    {
                        var request = servers[p].WaitForRequestsAsync(t, Ct);
                        if (await Task.WhenAny(request, processes[p].Exited) != request)
                        {
                            var early = await processes[p].WaitAsync();
                            Assert.Fail($"forge process {p} exited ({early.ExitCode}) before its request {t}: {early.StdErr}\n{early.StdOut}");
                        }
                    }
                    for (var p = 0; p < Processes; p++)
                    {
                        arrived[p, t] = ++stamp;
                    }
                    for (var p = 0; p < Processes; p++)
                    {
                        released[p, t] = ++stamp;
                        holds[p, t].SetResult();
                    }
                }
                var problems = new List<string>();
                foreach (var process in processes)
                {
                    var exit = await process.WaitAsync();
                    if (exit.ExitCode != 0)
                    {
                        problems.Add($"a forge process exited with {exit.ExitCode}: {exit.StdErr}");
                    }
                }

                // Results: each call's tool result is in the request that followed its turn.
                var history = new List<Operation<FileOp, FileResult>>();
                int applied = 0, refused = 0, other = 0, refusedOther = 0;
                var appliedEdits = new List<(int Process, FileOp Op)>();
                foreach (var (p, t, id, op) in calls)
                {
                    var (content, isError) = ToolResult(servers[p].Requests[t], id);
                    if (op.Old is null)
                    {
                        history.Add(new(p, op, new FileResult(true, isError ? "(error) " + content : content), released[p, t], arrived[p, t + 1]));
                        // No edit overlaps a read turn, and every own-line edit applies: main.txt's content at round r's read
                        // is known exactly. Say what differs, so a failed check names its cause.
                        var round = (t + 1) / 2;
                        var expected = string.Concat(Enumerable.Range(0, Processes).Select(w => $"# line of worker {w}\n{Own(w, round - 1)}\n"));
                        if (isError || (op.File == "main.txt" && content.TrimEnd('\n') != expected.TrimEnd('\n')))
                        {
                            problems.Add($"process {p} {id} (round {round}): {(isError ? "error" : "unexpected content")}, {content.Length} chars: " +
                                $"'{(content.Length > 400 ? content[..200] + " ... " + content[^200..] : content)}'");
                        }
                        continue;
                    }
                    if (!isError && content.StartsWith("Edited ", StringComparison.Ordinal))
                    {
                        applied++;
                        appliedEdits.Add((p, op));
                        history.Add(new(p, op, new FileResult(true, null), released[p, t], arrived[p, t + 1]));
                    }
                    else if (isError)
                    {
                        refused++;
                        if (!content.Contains(Freshness, StringComparison.Ordinal))
                        {
                            refusedOther++;
                            problems.Add($"process {p} {id}: refused without the freshness error: {content}");
                        }
                        history.Add(new(p, op, new FileResult(false, null), released[p, t], arrived[p, t + 1]));
                    }
                    else
                    {
                        other++;
                        problems.Add($"process {p} {id}: neither applied nor refused: {content}");
                    }
                }

                // The final content, read after every process exited.
                var final = new Dictionary<string, string>();
                foreach (var name in initial.Keys)
                {
                    final[name] = await File.ReadAllTextAsync(Path.Join(repo, name), Ct);
                    var call = ++stamp;
                    history.Add(new(-1, new FileOp(name, null, null, null), new FileResult(true, final[name]), call, ++stamp));
                }

                // Lost: an applied own-line edit that a later applied edit of the same process did not build on, or whose
                // value is not the line's final value; an applied slot edit whose text is not in the file.
                var lost = 0;
                for (var p = 0; p < Processes; p++)
                {
                    var own = appliedEdits.Count(e => e.Process == p && e.Op.File == "main.txt");
                    var label = $"worker {p:D2} value ";
                    var at = final["main.txt"].IndexOf(label, StringComparison.Ordinal);
                    var value = at < 0 ? 0 : int.Parse(final["main.txt"].AsSpan(at + label.Length, 3), CultureInfo.InvariantCulture);
                    lost += Math.Max(0, own - value);
                }
                lost += appliedEdits.Count(e => e.Op.File != "main.txt" && !final[e.Op.File].Contains(e.Op.New!, StringComparison.Ordinal));

                var verdicts = initial.ToDictionary(
                    f => f.Key,
                    f => LinearizabilityChecker.Check(new FileContentModel(f.Value), [.. history.Where(o => o.Input.File == f.Key)], timeout: TimeSpan.FromSeconds(30)));
                return new Outcome(applied, refused, other, refusedOther, lost, problems, verdicts, clock.Elapsed);
            }
            finally
            {
                foreach (var process in processes)
                {
                    process.Dispose();
                }
            }
        }
        finally
        {
            foreach (var hold in holds)
            {
                hold?.TrySetResult();
            }
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SixteenForgeProcessesEditingOneFileAndSharedFiles_LoseNoReportedEdit_AndTheirHistoryIsLinearizable()
    {
        const int Rounds = 3;

        var outcome = await RunAsync(_root, Rounds, lockPerProcess: false);

        // Each problem in full: xunit's collection rendering cuts every item to 50 characters, which hides the cause.
        Assert.True(outcome.Problems.Count == 0, string.Join("\n", outcome.Problems));
        // Own lines: every edit applied (none refused, its text never changed under it). Slots: one winner each.
        Assert.Equal(Processes * Rounds + Rounds * SharedFiles, outcome.Applied);
        Assert.Equal(Processes * Rounds - Rounds * SharedFiles, outcome.Refused);
        Assert.Equal(0, outcome.RefusedWithoutFreshnessError);
        Assert.Equal(0, outcome.Lost);
        Assert.All(outcome.Linearizability, v => Assert.True(v.Value.Verdict == Verdict.Linearizable, $"{v.Key}: {v.Value}"));
        Assert.Empty(Directory.EnumerateFiles(Path.Join(_root, "repo"), "*.forge-tmp"));
        TestContext.Current.TestOutputHelper?.WriteLine($"applied {outcome.Applied}, refused {outcome.Refused}, lost {outcome.Lost}, {outcome.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task WithoutTheInterProcessLock_TheSameRunLosesReportedEdits()
    {
        const int Rounds = 3;

        var outcome = await RunAsync(_root, Rounds, lockPerProcess: true);

        Assert.True(outcome.Lost > 0, $"no edit lost without the inter-process lock (applied {outcome.Applied}, refused {outcome.Refused})");
        Assert.Contains(outcome.Linearizability.Values, v => v.Verdict != Verdict.Linearizable);
        TestContext.Current.TestOutputHelper?.WriteLine($"applied {outcome.Applied}, refused {outcome.Refused}, lost {outcome.Lost}; " +
            string.Join("; ", outcome.Linearizability.Select(v => $"{v.Key}: {v.Value.Verdict}")));
    }

    private static ScriptedToolCall Call(string id, string tool, object arguments) =>
        new(tool, JsonSerializer.Serialize(arguments), id);

    /// <summary>The content of the OpenAI <c>tool</c> message answering call <paramref name="id"/>, and whether forge
    /// marked it as an error.</summary>
    private static (string Content, bool IsError) ToolResult(RecordedRequest request, string id)
    {
        foreach (var message in request.Json.GetProperty("messages").EnumerateArray())
        {
            if (message.TryGetProperty("tool_call_id", out var callId) && callId.GetString() == id)
            {
                var content = message.GetProperty("content");
                var text = content.ValueKind == JsonValueKind.String
                    ? content.GetString()!
                    : string.Concat(content.EnumerateArray().Select(part => part.TryGetProperty("text", out var t) ? t.GetString() : ""));
                // A failed tool result reaches the model as "Error: {message}" (ToolResult.ToDisplay).
                return (text, text.StartsWith("Error: ", StringComparison.Ordinal));
            }
        }
        throw new InvalidOperationException($"request #{request.Sequence} has no result for tool call {id}: {request.Body}");
    }
}
