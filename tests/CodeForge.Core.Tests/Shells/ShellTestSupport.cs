using System.Globalization;
using CodeForge.Core.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>Helpers for tests over real processes: read a shell's output as it arrives; check processes in /proc.</summary>
internal static class ShellTestSupport
{
    /// <summary>Waits (on the buffer's own signal, no polling) until stdout holds <paramref name="count"/> lines; returns them.</summary>
    public static async Task<string[]> ReadLinesAsync(ShellProcess shell, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Wait from the end of the very text just read: reading EndOffset separately would skip output that arrived
            // in between, and then wait for more output that never comes.
            var slice = shell.Stdout.ReadFrom(0);
            var text = slice.Text;
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (text.EndsWith('\n') && lines.Length >= count)
            {
                return lines;
            }
            if (!await shell.Stdout.WaitForOutputAsync(slice.NextOffset, cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken))
            {
                throw new InvalidOperationException($"Output ended after {lines.Length} of {count} lines: '{text}'.");
            }
        }
    }

    public static int[] ParsePids(IEnumerable<string> lines) =>
        lines.Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>A unique <c>sleep</c> duration (300.xxxxxx s) so a test recognises its own sleepers in /proc.</summary>
    public static string UniqueSleep() =>
        "300." + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);

    /// <summary>True if <paramref name="pid"/> is a living (non-zombie) <c>sleep <paramref name="marker"/></c> process.</summary>
    public static bool IsAlive(int pid, string marker)
    {
        if (!ProcFs.TryReadStat(pid, out var stat) || stat.IsDead)
        {
            return false;
        }
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline") == $"sleep\0{marker}\0";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Every living <c>sleep <paramref name="marker"/></c> process.</summary>
    public static int[] LivingWith(string marker) =>
        ProcFs.All().Where(p => IsAlive(p.Pid, marker)).Select(p => p.Pid).ToArray();

    /// <summary>
    /// A SIGKILLed process dies asynchronously (moments after kill() returns; its pipes may close just before it becomes a
    /// zombie), so wait, bounded, for the kernel to finish: a wait for a condition, not a sleep standing in for one.
    /// </summary>
    /// <remarks>
    /// For conditions only the kernel can signal (a process gone from /proc): polled, returning as soon as it holds; the
    /// bound is a watchdog for a loaded 2-core CI machine, not a timing expectation.
    /// </remarks>
    public static bool EventuallyTrue(Func<bool> condition) => SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(60));
}
