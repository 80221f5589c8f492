using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CodeForge.Core.Plugins;

/// <summary>One <c>agent(prompt, opts)</c> call of a running workflow script.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
/// <param name="Prompt">The prompt as the script gave it.</param>
/// <param name="Label">opts.label, or null.</param>
/// <param name="Phase">opts.phase, or null.</param>
/// <param name="AgentType">opts.agentType (a subagent type), or null for the default.</param>
/// <param name="Schema">opts.schema (raw JSON), or null.</param>
/// <param name="Isolation">opts.isolation, or null.</param>
public sealed record WorkflowAgentRequest(string Prompt, string? Label, string? Phase, string? AgentType, string? Schema, string? Isolation);

/// <summary>What a workflow run gave: the script's return value (JSON) or the error, with its log and phase lines.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record WorkflowRun(string? ResultJson, string? Error, IReadOnlyList<string> Logs, int Agents)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs one workflow script in a Node.js child process (<see cref="WorkflowHarness"/>) and serves its requests:
/// every <c>agent()</c> call goes to <c>runAgent</c> (the caller runs it as a subagent; calls run concurrently, the
/// subagent runner bounds them), every <c>workflow()</c> call to <c>resolveChild</c>.
/// </summary>
/// <remarks>
/// Stateless and thread-safe; each <see cref="RunAsync"/> owns its process. Answers to the script are written under
/// one lock (several agents finish at once). Cancellation kills the process tree and returns a cancelled run; the
/// process never outlives the call.
/// </remarks>
public static class WorkflowRunner
{
    /// <summary>Finds <c>node</c> on <c>PATH</c> (<paramref name="path"/>), or null.</summary>
    public static string? FindNode(string? path)
    {
        var names = OperatingSystem.IsWindows() ? new[] { "node.exe", "node.cmd" } : ["node"];
        foreach (var dir in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    /// <summary>Runs <paramref name="script"/> (from <paramref name="file"/>) with <paramref name="argsJson"/> as <c>args</c>.</summary>
    public static async Task<WorkflowRun> RunAsync(string node, WorkflowScript script, string file, string? argsJson, string workingDirectory,
        Func<WorkflowAgentRequest, CancellationToken, Task<(bool Ok, string Text)>> runAgent,
        Func<JsonElement, (WorkflowScript? Script, string? File, string? Error)> resolveChild,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(runAgent);
        ArgumentNullException.ThrowIfNull(resolveChild);
        var psi = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add("-e");
        psi.ArgumentList.Add(WorkflowHarness.Source);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new WorkflowRun(null, $"cannot start Node.js ({node}): {ex.Message}", [], 0);
        }
        using var _ = process;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writeLock = new SemaphoreSlim(1, 1);
        var logs = new List<string>();
        var agents = 0;
        var inFlight = new List<Task>();
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        async Task SendAsync(Action<Utf8JsonWriter> write)
        {
            var line = Line(write);
            await writeLock.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                await process.StandardInput.WriteLineAsync(line.AsMemory(), stop.Token).ConfigureAwait(false);
                await process.StandardInput.FlushAsync(stop.Token).ConfigureAwait(false);
            }
            finally
            {
                writeLock.Release();
            }
        }
        async Task AnswerAgentAsync(int id, WorkflowAgentRequest request)
        {
            (bool Ok, string Text) answer;
            try
            {
                answer = await runAgent(request, stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                answer = (false, ex.Message);
            }
            try
            {
                await SendAsync(w =>
                {
                    w.WriteString("t", "answer");
                    w.WriteNumber("id", id);
                    w.WriteBoolean("ok", answer.Ok);
                    w.WriteString(answer.Ok ? "text" : "error", answer.Text);
                }).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The script has finished or the run was stopped: nobody waits for this answer.
            }
        }
        try
        {
            await SendAsync(w =>
            {
                w.WriteString("t", "start");
                w.WriteString("body", script.Body);
                w.WriteString("file", file);
                w.WriteNumber("bodyLine", script.BodyLine);
                if (argsJson is not null)
                {
                    w.WriteString("args", argsJson);
                }
            }).ConfigureAwait(false);
            while (await process.StandardOutput.ReadLineAsync(stop.Token).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0 || line[0] != '{')
                {
                    continue;
                }
                using var doc = JsonDocument.Parse(line);
                var m = doc.RootElement;
                switch (Str(m, "t"))
                {
                    case "log":
                        lock (logs)
                        {
                            logs.Add(Str(m, "message") ?? "");
                        }
                        break;
                    case "phase":
                        lock (logs)
                        {
                            logs.Add($"[phase] {Str(m, "title")}");
                        }
                        break;
                    case "agent":
                        {
                            agents++;
                            var opts = m.TryGetProperty("opts", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
                            var request = new WorkflowAgentRequest(Str(m, "prompt") ?? "", Str(opts, "label"), Str(opts, "phase"), Str(opts, "agentType"),
                                opts.ValueKind == JsonValueKind.Object && opts.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object ? schema.GetRawText() : null,
                                Str(opts, "isolation"));
                            if (request.Isolation is { } isolation)
                            {
                                lock (logs)
                                {
                                    logs.Add($"[forge] agent {request.Label ?? "(no label)"}: isolation '{isolation}' is not supported by forge; it runs in the working directory");
                                }
                            }
                            inFlight.Add(AnswerAgentAsync(m.GetProperty("id").GetInt32(), request));
                            break;
                        }
                    case "workflow":
                        {
                            var id = m.GetProperty("id").GetInt32();
                            var (child, childFile, error) = resolveChild(m.TryGetProperty("ref", out var r) ? r.Clone() : default);
                            await SendAsync(w =>
                            {
                                w.WriteString("t", "answer");
                                w.WriteNumber("id", id);
                                w.WriteBoolean("ok", child is not null);
                                if (child is not null)
                                {
                                    w.WriteString("body", child.Body);
                                    w.WriteString("file", childFile);
                                    w.WriteNumber("bodyLine", child.BodyLine);
                                }
                                else
                                {
                                    w.WriteString("error", error);
                                }
                            }).ConfigureAwait(false);
                            break;
                        }
                    case "done":
                        return new WorkflowRun(Str(m, "result") ?? "null", null, Snapshot(logs), agents);
                    case "error":
                        return new WorkflowRun(null, (Str(m, "kind") == "syntax" ? "the script does not compile: " : "") + (Str(m, "message") ?? "unknown error"), Snapshot(logs), agents);
                }
            }
            await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
            var err = (await stderr.ConfigureAwait(false)).Trim();
            return new WorkflowRun(null, $"Node.js exited (code {process.ExitCode}) before the script finished{(err.Length > 0 ? ": " + Tail(err) : "")}", Snapshot(logs), agents);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new WorkflowRun(null, "the workflow was cancelled", Snapshot(logs), agents);
        }
        catch (IOException ex)
        {
            var err = (await stderr.ConfigureAwait(false)).Trim();
            return new WorkflowRun(null, $"lost Node.js ({ex.Message}){(err.Length > 0 ? ": " + Tail(err) : "")}", Snapshot(logs), agents);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            if (!process.HasExited)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited meanwhile.
                }
            }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.WhenAll(inFlight).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Agents still running when the script finished (or the run stopped) were cancelled with it.
            }
            writeLock.Dispose();
        }
    }

    private static List<string> Snapshot(List<string> logs)
    {
        lock (logs)
        {
            return [.. logs];
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Line(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
