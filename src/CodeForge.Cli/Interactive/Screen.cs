using System.Globalization;
using Spectre.Console;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// The one owner of the terminal's output in an interactive session: every write (model text, tool lines, prompts,
/// the status line) goes through here, under one lock, so a spinner tick, a permission prompt and streamed text never
/// interleave mid-line. Tools and the agent loop never write to the terminal.
/// </summary>
/// <remarks>
/// Concurrency: all members are thread-safe; each <see cref="Write"/> runs its action under the screen lock (keep actions
/// short and never await inside). The spinner is drawn by a <see cref="TimeProvider"/> timer and erased before any other
/// write, so it only ever occupies the last line. On a terminal without cursor control (<c>TERM=dumb</c>, output
/// redirected) the spinner is never drawn.
/// </remarks>
internal sealed class Screen : IDisposable
{
    private static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly ITimer? _timer;
    private string? _spinnerLabel;
    private long _spinnerStarted;
    private int _frame;
    private bool _spinnerDrawn;

    public Screen(IAnsiConsole console, bool interactiveTerminal, TimeProvider? timeProvider = null)
    {
        Console = console ?? throw new ArgumentNullException(nameof(console));
        _time = timeProvider ?? TimeProvider.System;
        CanAnimate = interactiveTerminal && console.Profile.Capabilities.Ansi;
        if (CanAnimate)
        {
            _timer = _time.CreateTimer(_ => Tick(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>The console rendered to (Spectre handles colour, width, NO_COLOR and TERM=dumb).</summary>
    public IAnsiConsole Console { get; }

    /// <summary>True when the cursor can be moved (a real ANSI terminal): spinner and line redraws are possible.</summary>
    public bool CanAnimate { get; }

    /// <summary>The width to lay text out in (at least 20).</summary>
    public int Width => Math.Max(20, Console.Profile.Width);

    /// <summary>Runs <paramref name="write"/> with the spinner erased, under the screen lock.</summary>
    public void Write(Action<IAnsiConsole> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        lock (_gate)
        {
            EraseSpinner();
            write(Console);
        }
    }

    /// <summary>Writes raw text (ANSI sequences allowed) with the spinner erased.</summary>
    public void WriteRaw(string text)
    {
        lock (_gate)
        {
            EraseSpinner();
            Console.Profile.Out.Writer.Write(text);
            Console.Profile.Out.Writer.Flush();
        }
    }

    /// <summary>Shows a spinner with <paramref name="label"/> and the elapsed time on the last line until <see cref="StopSpinner"/>.</summary>
    public void StartSpinner(string label)
    {
        lock (_gate)
        {
            if (_spinnerLabel is null)
            {
                _spinnerStarted = _time.GetTimestamp();
            }
            _spinnerLabel = label;
        }
    }

    public void StopSpinner()
    {
        lock (_gate)
        {
            EraseSpinner();
            _spinnerLabel = null;
        }
    }

    /// <summary>The spinner's label, or null when none is shown (for tests and the status line).</summary>
    public string? SpinnerLabel
    {
        get
        {
            lock (_gate)
            {
                return _spinnerLabel;
            }
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        StopSpinner();
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_spinnerLabel is null || !CanAnimate)
            {
                return;
            }
            var seconds = (int)_time.GetElapsedTime(_spinnerStarted).TotalSeconds;
            var text = string.Create(CultureInfo.InvariantCulture, $"{Frames[_frame++ % Frames.Length]} {_spinnerLabel} ({seconds}s · esc to interrupt)");
            if (text.Length >= Width)
            {
                text = text[..(Width - 1)];
            }
            var w = Console.Profile.Out.Writer;
            w.Write("\r\u001b[2K\u001b[36m" + text + "\u001b[0m");
            w.Flush();
            _spinnerDrawn = true;
        }
    }

    private void EraseSpinner()
    {
        if (_spinnerDrawn)
        {
            var w = Console.Profile.Out.Writer;
            w.Write("\r\u001b[2K");
            w.Flush();
            _spinnerDrawn = false;
        }
    }
}
