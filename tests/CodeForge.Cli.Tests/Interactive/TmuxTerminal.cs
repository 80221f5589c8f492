using System.Diagnostics;
using CodeForge.Testing.Forge;

namespace CodeForge.Cli.Tests.Interactive;

/// <summary>
/// The real <c>forge</c> in a real terminal: a detached tmux session on a private server socket, driven with
/// <c>send-keys</c> and read with <c>capture-pane</c>.
/// </summary>
internal sealed class TmuxTerminal : IAsyncDisposable
{
    private readonly string _socket = "forge-test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _exitFile;

    private TmuxTerminal(string exitFile) => _exitFile = exitFile;

    /// <summary>Starts the shipped <c>forge args</c> (<see cref="CodeForge.Testing.Forge.ForgeBinary"/>) in <paramref name="workingDirectory"/> in a <paramref name="width"/>×<paramref name="height"/> terminal.</summary>
    public static async Task<TmuxTerminal> StartAsync(string[] args, string workingDirectory, IReadOnlyDictionary<string, string> environment, int width = 100, int height = 50, string term = "xterm-256color")
    {
        Assert.True(File.Exists("/usr/bin/tmux") || File.Exists("/usr/local/bin/tmux"), "tmux is needed for the terminal tests: apt-get install tmux");
        var exitFile = Path.Combine(Path.GetTempPath(), $"forge-tmux-exit-{Guid.NewGuid():N}");
        var terminal = new TmuxTerminal(exitFile);
        var command = ForgeBinary.ShellCommand + " " + string.Join(' ', args.Select(ForgeBinary.ShellQuote)) + "; echo $? > " + ForgeBinary.ShellQuote(exitFile) + "; sleep 600";
        var tmuxArgs = new List<string> { "-L", terminal._socket, "-f", "/dev/null", "new-session", "-d", "-s", "forge", "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", workingDirectory };
        foreach (var (k, v) in environment)
        {
            tmuxArgs.Add("-e");
            tmuxArgs.Add($"{k}={v}");
        }
        if (!environment.ContainsKey("MCP_TIMEOUT"))
        {
            tmuxArgs.Add("-e");
            tmuxArgs.Add("MCP_TIMEOUT=" + ForgeProcess.McpTimeoutMs);
        }
        tmuxArgs.Add("-e");
        tmuxArgs.Add("TERM=" + term);
        tmuxArgs.Add(command);
        await RunTmuxAsync(tmuxArgs);
        return terminal;
    }

    /// <summary>Types text literally.</summary>
    public Task TypeAsync(string text) => RunTmuxAsync(["-L", _socket, "send-keys", "-t", "forge", "-l", text]);

    /// <summary>Presses named keys (Enter, Escape, C-c, BTab, Up …).</summary>
    public Task PressAsync(params string[] keys) => RunTmuxAsync(["-L", _socket, "send-keys", "-t", "forge", .. keys]);

    /// <summary>The screen as text, including the scrollback.</summary>
    public Task<string> CaptureAsync() => RunTmuxAsync(["-L", _socket, "capture-pane", "-p", "-J", "-S", "-2000", "-t", "forge"]);

    /// <summary>The screen as <see cref="CaptureAsync"/> reads it, with the colours kept as SGR escape sequences (<c>capture-pane -e</c>).</summary>
    public Task<string> CaptureWithColoursAsync() => RunTmuxAsync(["-L", _socket, "capture-pane", "-p", "-e", "-J", "-S", "-2000", "-t", "forge"]);

    /// <summary>Waits until the screen shows <paramref name="text"/> (as many times as <paramref name="occurrences"/>); fails with the screen after the timeout.</summary>
    public async Task<string> WaitForAsync(string text, int occurrences = 1, int seconds = 300)
    {
        var deadline = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        string screen;
        do
        {
            screen = await CaptureAsync();
            if (Count(screen, text) >= occurrences)
            {
                return screen;
            }
        }
        while (deadline.Elapsed < TimeSpan.FromSeconds(seconds) && await timer.WaitForNextTickAsync());
        Assert.Fail($"The terminal did not show \"{text}\" ×{occurrences} within {seconds} s. Screen:\n{screen}");
        return screen;
    }

    /// <summary>The exit code of forge once it has exited (waits up to <paramref name="seconds"/>).</summary>
    public async Task<int> WaitForExitAsync(int seconds = 300)
    {
        var deadline = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            if (File.Exists(_exitFile) && (await File.ReadAllTextAsync(_exitFile)).Trim() is { Length: > 0 } code)
            {
                return int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        while (deadline.Elapsed < TimeSpan.FromSeconds(seconds) && await timer.WaitForNextTickAsync());
        Assert.Fail($"forge did not exit within {seconds} s. Screen:\n{await CaptureAsync()}");
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunTmuxAsync(["-L", _socket, "kill-server"]);
        }
        catch (InvalidOperationException)
        {
        }
        File.Delete(_exitFile);
    }

    private static int Count(string haystack, string needle)
    {
        var n = 0;
        for (var i = haystack.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = haystack.IndexOf(needle, i + needle.Length, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }

    private static async Task<string> RunTmuxAsync(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {error}");
        }
        return output;
    }
}
