using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// The line under the conversation: model, permission mode, tokens and cost, context used, background shells. A
/// <c>statusLine</c> command from settings replaces it: it gets Claude Code's JSON on stdin and its first line of stdout
/// is shown (a command that fails or takes over two seconds falls back to the built-in line, with the reason once).
/// </summary>
/// <remarks>Called from the session's input loop only; not thread-safe.</remarks>
internal sealed class StatusLine(IInteractiveEngine engine, string version)
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);
    private bool _reportedFailure;

    /// <summary>The built-in status text.</summary>
    public string BuiltIn()
    {
        var u = engine.Usage;
        var context = engine.GetContext();
        var parts = new List<string>
        {
            engine.Model,
            Modes.Describe(engine.Mode),
            string.Create(CultureInfo.InvariantCulture, $"↑{Tokens(u.InputTokens)} ↓{Tokens(u.OutputTokens)}") +
                (u.ReasoningTokens > 0 ? string.Create(CultureInfo.InvariantCulture, $" ✻{Tokens(u.ReasoningTokens)}") : ""),
        };
        if (u.CostUsd is { } cost)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"${cost:0.0000}"));
        }
        if (context.WindowTokens > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"ctx {context.Fraction * 100:0}%"));
        }
        if (engine.Protection is { } protection)
        {
            parts.Add(protection);
        }
        if (engine.BackgroundShells > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{engine.BackgroundShells} shell{(engine.BackgroundShells == 1 ? "" : "s")}"));
        }
        return string.Join(" · ", parts);
    }

    /// <summary>The status text: the command's output when one is configured and works, else <see cref="BuiltIn"/>.</summary>
    public async Task<(string Text, string? Warning)> RenderAsync(CancellationToken cancellationToken)
    {
        if (engine.StatusLineCommand is not { Length: > 0 } command)
        {
            return (BuiltIn(), null);
        }
        try
        {
            var text = await RunCommandAsync(command, Input(), cancellationToken).ConfigureAwait(false);
            return (text, null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            var warning = _reportedFailure ? null : $"statusLine command failed: {ex.Message}; using the built-in status line";
            _reportedFailure = true;
            return (BuiltIn(), warning);
        }
    }

    /// <summary>Claude Code's status line input.</summary>
    internal string Input()
    {
        var u = engine.Usage;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("hook_event_name", "Status");
            w.WriteString("session_id", engine.SessionId);
            w.WriteString("transcript_path", engine.TranscriptPath ?? "");
            w.WriteString("cwd", engine.WorkingDirectory);
            w.WriteStartObject("model");
            w.WriteString("id", engine.Model);
            w.WriteString("display_name", engine.Model);
            w.WriteEndObject();
            w.WriteStartObject("workspace");
            w.WriteString("current_dir", engine.WorkingDirectory);
            w.WriteString("project_dir", engine.WorkingDirectory);
            w.WriteEndObject();
            w.WriteString("version", version);
            w.WriteString("permission_mode", Modes.SettingsName(engine.Mode));
            w.WriteStartObject("cost");
            w.WriteNumber("total_cost_usd", u.CostUsd ?? 0m);
            w.WriteNumber("total_duration_ms", (long)u.WallDuration.TotalMilliseconds);
            w.WriteNumber("total_api_duration_ms", (long)u.ApiDuration.TotalMilliseconds);
            w.WriteEndObject();
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", u.InputTokens);
            w.WriteNumber("output_tokens", u.OutputTokens);
            w.WriteNumber("cache_read_input_tokens", u.CachedInputTokens);
            w.WriteNumber("reasoning_output_tokens", u.ReasoningTokens);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private async Task<string> RunCommandAsync(string command, string input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash", ["-c", command])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = engine.WorkingDirectory,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token).ConfigureAwait(false);
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"exit code {process.ExitCode}");
            }
            var first = output.Split('\n')[0].TrimEnd('\r');
            return first;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"took longer than {CommandTimeout.TotalSeconds:0} s");
        }
    }

    private static string Tokens(long n) => n switch
    {
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1_000_000.0:0.#}M"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1_000.0:0.#}k"),
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}
