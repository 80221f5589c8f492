using System.Diagnostics;
using System.Globalization;
using CodeForge.Cli.Composition;
using CodeForge.Core.Agent;
using CodeForge.Providers;

namespace CodeForge.Cli.Headless;

/// <summary>
/// Consumes the agent's events and prints them in the chosen <see cref="OutputFormat"/>; returns the run's summary.
/// The only writer to stdout in headless mode. Diagnostics (with <c>--verbose</c> in text mode) go to stderr.
/// </summary>
/// <remarks>One printer per run, fed its events in order from one flow; <see cref="Retrying"/>, <see cref="ModelFallback"/>,
/// <see cref="SettingsChanged"/> and <see cref="Diagnostic"/> may be called from other flows (stderr under a lock, each
/// stream-json line written whole).</remarks>
internal sealed class HeadlessPrinter(OutputFormat format, bool verbose, TextWriter stdout, TextWriter stderr, string sessionId, string model)
{
    private readonly StreamJsonWriter _json = new(stdout, sessionId);
    private readonly List<ToolCallFinished> _pendingResults = [];
    private readonly List<(string, string, string)> _denials = [];
    private readonly object _stderrGate = new();

    /// <summary>The start of the run: in stream-json the <c>system/init</c> line, with the diagnostics reported so far
    /// (<paramref name="diagnostics"/>, already on stderr) and every plugin load problem (<paramref name="pluginProblems"/>).</summary>
    public void Start(string cwd, IEnumerable<string> tools, string permissionMode, string version, CodeForge.Core.Trust.WorkspaceTrust? trust = null,
        IEnumerable<Composition.Diagnostic>? diagnostics = null, IEnumerable<Composition.Diagnostic>? pluginProblems = null,
        IEnumerable<string>? slashCommands = null, IEnumerable<string>? skills = null)
    {
        if (format == OutputFormat.StreamJson)
        {
            _json.Init(cwd, model, tools, permissionMode, version, trust, diagnostics, pluginProblems, slashCommands, skills);
        }
    }

    /// <summary>A problem found after start-up (from any flow): <c>forge: …</c> on stderr, and in stream-json also a
    /// <c>system/diagnostic</c> line.</summary>
    public void Diagnostic(Composition.Diagnostic d)
    {
        ArgumentNullException.ThrowIfNull(d);
        lock (_stderrGate)
        {
            Composition.DiagnosticLog.WriteText(stderr, d);
        }
        if (format == OutputFormat.StreamJson)
        {
            _json.Diagnostic(d);
        }
    }

    /// <summary>The retry layer is about to try a model call again (called from the agent loop's flow): a
    /// <c>system/api_retry</c> line in stream-json, a line on stderr with <c>--verbose</c> in text mode.</summary>
    public void Retrying(RetryEvent e, int maxAttempts)
    {
        if (format == OutputFormat.StreamJson)
        {
            _json.ApiRetry(e, maxAttempts);
        }
        else if (verbose && format == OutputFormat.Text)
        {
            lock (_stderrGate)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"forge: {e.Error.Message} Retrying in {e.Delay.TotalSeconds:0.#}s (attempt {e.Attempt + 1} of {maxAttempts})."));
            }
        }
    }

    /// <summary>A call went to a <c>--fallback-model</c> (called from the agent loop's flow): a <c>system/model_fallback</c>
    /// line in stream-json, a line on stderr otherwise.</summary>
    public void ModelFallback(ModelFallback e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (format == OutputFormat.StreamJson)
        {
            _json.ModelFallback(e);
            return;
        }
        lock (_stderrGate)
        {
            stderr.WriteLine($"forge: {e.Message}");
        }
    }

    /// <summary>A settings change was applied mid-run (called from the settings pump's flow): a <c>system/settings_changed</c>
    /// line in stream-json; in text mode its problems on stderr, and with <c>--verbose</c> what changed.</summary>
    public void SettingsChanged(Core.Config.SettingsChange change)
    {
        if (format == OutputFormat.StreamJson)
        {
            _json.SettingsChanged(change);
            return;
        }
        lock (_stderrGate)
        {
            foreach (var p in change.Problems)
            {
                stderr.WriteLine($"forge: {p}");
            }
            if (verbose && format == OutputFormat.Text && change.Changed.Length > 0)
            {
                stderr.WriteLine($"forge: settings changed (version {change.Version}): {string.Join(", ", change.Changed)}");
            }
            stderr.Flush();
        }
    }

    public async Task<RunSummary> PrintAsync(IAsyncEnumerable<AgentEvent> events, Func<(long Input, long Output, long Cached, decimal Cost, long ApiMs)> usage,
        Func<long>? reasoningTokens = null, Func<UsageSnapshot>? snapshot = null)
    {
        var clock = Stopwatch.StartNew();
        TurnFinished? finished = null;
        string? error = null;
        await foreach (var e in events.ConfigureAwait(false))
        {
            switch (e)
            {
                case AssistantMessage m when format == OutputFormat.StreamJson:
                    _json.Assistant(m, model);
                    break;
                case ToolCallStarted s when verbose && format == OutputFormat.Text:
                    await stderr.WriteLineAsync($"· {s.ToolName} {Truncate(s.Arguments.GetRawText(), 120)}").ConfigureAwait(false);
                    break;
                case ToolCallFinished f:
                    if (f.Outcome == ToolCallOutcome.Denied)
                    {
                        _denials.Add((f.ToolName, f.CallId, f.Result.Error ?? ""));
                    }
                    _pendingResults.Add(f);
                    if (verbose && format == OutputFormat.Text && !f.Result.Success)
                    {
                        await stderr.WriteLineAsync($"  {f.ToolName} failed: {Truncate(f.Result.Error ?? "", 200)}").ConfigureAwait(false);
                    }
                    break;
                case ToolResultsMessage r:
                    if (format == OutputFormat.StreamJson)
                    {
                        var order = r.Message.Contents.OfType<Microsoft.Extensions.AI.FunctionResultContent>().Select(c => c.CallId).ToList();
                        _json.ToolResults([.. _pendingResults.OrderBy(p => order.IndexOf(p.CallId))]);
                    }
                    _pendingResults.Clear();
                    break;
                case ConversationCompacted c:
                    if (format == OutputFormat.StreamJson)
                    {
                        _json.CompactBoundary(c.Result);
                    }
                    else if (verbose && format == OutputFormat.Text)
                    {
                        await stderr.WriteLineAsync($"· compacted the conversation ({c.Result.Trigger}): {c.Result.TokensBefore} → {c.Result.TokensAfter} tokens").ConfigureAwait(false);
                    }
                    break;
                case CompactionFailed cf when verbose && format == OutputFormat.Text:
                    await stderr.WriteLineAsync($"· {cf.Message}").ConfigureAwait(false);
                    break;
                case AgentError err:
                    error = err.Message;
                    break;
                case TurnFinished t:
                    finished = t;
                    break;
            }
        }
        var (input, output, cached, cost, apiMs) = usage();
        var summary = new RunSummary(finished?.Reason ?? AgentStopReason.Failed, finished?.FinalText ?? "", sessionId,
            finished?.ModelCalls ?? 0, clock.ElapsedMilliseconds, apiMs, input, output, cached, cost, _denials, error)
        {
            ReasoningTokens = reasoningTokens?.Invoke() ?? 0,
        };
        if (snapshot?.Invoke() is { } totals)
        {
            summary = summary with { CacheWriteTokens = totals.CacheWriteTokens, ModelUsage = totals.ByModel };
        }
        switch (format)
        {
            case OutputFormat.Text:
                if (summary.Reason == AgentStopReason.Completed)
                {
                    await stdout.WriteLineAsync(summary.Result).ConfigureAwait(false);
                }
                else
                {
                    await stderr.WriteLineAsync(ErrorLine(summary)).ConfigureAwait(false);
                }
                break;
            case OutputFormat.Json:
                await stdout.WriteLineAsync(StreamJsonWriter.ToJson(w => StreamJsonWriter.WriteResult(w, summary))).ConfigureAwait(false);
                break;
            default:
                _json.Result(summary);
                break;
        }
        await stdout.FlushAsync().ConfigureAwait(false);
        return summary;
    }

    private static string ErrorLine(RunSummary s) => s.Reason switch
    {
        AgentStopReason.MaxTurns => $"forge: stopped after {s.NumTurns} turns (--max-turns); the task may be unfinished.",
        AgentStopReason.Cancelled => "forge: interrupted.",
        _ => $"forge: {s.Error ?? "the run failed."}",
    };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
