using System.Diagnostics;
using CodeForge.Core.Permissions;
using CodeForge.Core.Tools.BuiltIn;
using CodeForge.Core.Paths;

// VSTHRD003: the awaited probe task is this class's own, started on the thread pool without any synchronisation context.
#pragma warning disable VSTHRD003

namespace CodeForge.Core.Shells.Sandbox;

/// <summary>The result of trying bubblewrap once: where it is and whether it can actually create a sandbox here.</summary>
/// <param name="Path">The <c>bwrap</c> executable, or null if none was found.</param>
/// <param name="Works">True when <c>bwrap … true</c> ran and exited 0.</param>
/// <param name="FailureReason">Why it does not work (bwrap's own message), when it was found but failed.</param>
public sealed record BubblewrapProbe(string? Path, bool Works, string? FailureReason);

/// <summary>
/// Runs Bash commands inside Debian's bubblewrap (<c>bwrap</c>): the root file system read-only, the working directory and
/// the allowed additional directories writable, a private <c>/tmp</c>, <c>/dev</c> and <c>/proc</c>, new PID and IPC
/// namespaces and, unless the policy allows the network, a new network namespace with nothing but its own loopback.
/// </summary>
/// <remarks>
/// <para>Thread safety: stateless apart from the cached probe, which is computed once (the probe task is created under a lock the
/// first time it is asked for) and then shared by every caller.</para>
/// <para>Process tree: the sandboxed command stays in the process group the launcher created (bubblewrap is started without
/// <c>--new-session</c>; the launcher's <c>setsid</c> already detached it from any terminal), so killing the group kills
/// everything inside the sandbox too. <c>--die-with-parent</c> is deliberately not used: Linux delivers the parent-death
/// signal when the <em>thread</em> that forked exits, and .NET retires idle thread-pool threads, which would kill long
/// background shells at random.</para>
/// </remarks>
public static class BubblewrapSandbox
{
    private static readonly string[] WellKnownPaths = ["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"];
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);
    private static readonly object ProbeGate = new();
    private static Task<BubblewrapProbe>? s_probe;

    /// <summary>Finds <c>bwrap</c> in the usual places and on <c>PATH</c>; null when it is not installed or this is not Linux.</summary>
    public static string? Find()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Join(d, "bwrap"));
        return WellKnownPaths.Concat(onPath).FirstOrDefault(File.Exists);
    }

    /// <summary>The probe of the installed <c>bwrap</c>, run once per process and cached (later calls return the same task).</summary>
    public static Task<BubblewrapProbe> ProbeOnceAsync()
    {
        lock (ProbeGate)
        {
            return s_probe ??= Task.Run(() => ProbeAsync(Find(), CancellationToken.None));
        }
    }

    /// <summary>
    /// Tries <paramref name="bwrapPath"/> (not cached): runs <c>bwrap</c> with the sandbox's namespaces and mounts around
    /// <c>/bin/true</c>. Never throws for a missing or failing bwrap; the result says what happened.
    /// </summary>
    public static async Task<BubblewrapProbe> ProbeAsync(string? bwrapPath, CancellationToken cancellationToken = default)
    {
        if (bwrapPath is null || !File.Exists(bwrapPath))
        {
            return new BubblewrapProbe(null, false, null);
        }
        var info = new ProcessStartInfo(bwrapPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in Arguments(new SandboxPolicy([], AllowNetwork: false), "/"))
        {
            info.ArgumentList.Add(argument);
        }
        info.ArgumentList.Add("/bin/true");
        try
        {
            using var process = Process.Start(info)
                ?? throw new InvalidOperationException("the process did not start");
            process.StandardInput.Close();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return new BubblewrapProbe(bwrapPath, false, $"bwrap did not finish within {ProbeTimeout.TotalSeconds:0} s");
            }
            var error = (await stderr.ConfigureAwait(false)).Trim();
            _ = await stdout.ConfigureAwait(false);
            return process.ExitCode == 0
                ? new BubblewrapProbe(bwrapPath, true, null)
                : new BubblewrapProbe(bwrapPath, false, error.Length > 0 ? FirstLine(error) : $"bwrap exited with code {process.ExitCode}");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return new BubblewrapProbe(bwrapPath, false, ex.Message);
        }
    }

    /// <summary>
    /// The bwrap options (everything before the command) for <paramref name="policy"/>, starting in
    /// <paramref name="workingDirectory"/>. Writable directories that do not exist are left out (bwrap cannot bind them).
    /// <paramref name="mounts"/> (the deny rules of this command) are applied last, so they win over the writable binds:
    /// read-only paths are bound onto themselves read-only, hidden paths get an empty mode-000 file or an empty read-only
    /// directory bound over them.
    /// </summary>
    /// <remarks>
    /// Every capability is dropped (<c>--cap-drop ALL</c>): bwrap started by root would otherwise keep them, and a command
    /// holding <c>CAP_SYS_ADMIN</c> could unmount a mask or remount the root writable; without <c>CAP_DAC_OVERRIDE</c> even
    /// root cannot open the mode-000 file mask. In the working directory and the other writable directories, an existing
    /// <c>.git/hooks</c>, <c>.git/config</c>, <c>.forge</c> and <c>.claude</c> are bound read-only (they decide what runs
    /// outside the sandbox later); a missing <c>.forge</c> or <c>.claude</c> gets an empty read-only directory in its place,
    /// so a command cannot create one either.
    /// </remarks>
    public static IReadOnlyList<string> Arguments(SandboxPolicy policy, string workingDirectory, SandboxMounts? mounts = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(workingDirectory);
        var args = new List<string>
        {
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
            "--tmpfs", "/tmp",
            "--unshare-pid",
            "--unshare-ipc",
            "--cap-drop", "ALL",
        };
        if (!policy.AllowNetwork)
        {
            args.Add("--unshare-net");
        }
        // After the tmpfs, so a workspace under /tmp is bound on top of the private /tmp.
        var writable = WritableRoots(policy);
        foreach (var directory in writable)
        {
            args.AddRange(["--bind", directory, directory]);
        }
        var readOnly = new List<string>();
        var absentConfig = new List<string>();
        foreach (var directory in writable)
        {
            foreach (var name in ProtectedEntries)
            {
                var path = System.IO.Path.Join(directory, name);
                if (File.Exists(path) || Directory.Exists(path))
                {
                    readOnly.Add(path);
                }
                else if (ForgeFiles.IsConfigDirectory(name))
                {
                    absentConfig.Add(path);
                }
            }
        }
        mounts ??= SandboxMounts.None;
        readOnly.AddRange(mounts.ReadOnly);
        var hidden = Outermost(mounts.Unreadable);
        foreach (var path in Outermost(readOnly))
        {
            if (!hidden.Any(h => PathText.IsUnderOrSame(path, h)))
            {
                args.AddRange(["--ro-bind", path, path]);
            }
        }
        if ((hidden.Count > 0 || absentConfig.Count > 0) && OperatingSystem.IsLinux())
        {
            var (maskFile, maskDirectory) = SandboxMasks.Get();
            foreach (var path in hidden)
            {
                args.AddRange(["--ro-bind", Directory.Exists(path) ? maskDirectory : maskFile, path]);
            }
            // A command must not create the configuration that decides what runs outside the sandbox later (hooks in a
            // new .forge/settings.local.json): where .forge or .claude does not exist, an empty read-only directory is
            // bound in its place. bwrap makes the mount point, so an empty directory stays behind (git does not track it).
            foreach (var path in absentConfig.Where(p => !hidden.Any(h => PathText.IsUnderOrSame(p, h))))
            {
                args.AddRange(["--ro-bind", maskDirectory, path]);
            }
        }
        args.AddRange(["--setenv", "TMPDIR", "/tmp", "--chdir", workingDirectory, "--"]);
        return args;
    }

    /// <summary>Entries of a writable directory that the sandbox always shows read-only when they exist.</summary>
    public static IReadOnlyList<string> ProtectedEntries { get; } = [".git/hooks", ".git/config", ForgeFiles.ForgeDirectory, ForgeFiles.ClaudeDirectory];

    /// <summary>The paths without those below another of them, without duplicates, parents first.</summary>
    private static List<string> Outermost(IEnumerable<string> paths)
    {
        var result = new List<string>();
        foreach (var path in paths.Where(p => System.IO.Path.IsPathFullyQualified(p)).Distinct(StringComparer.Ordinal).OrderBy(p => p.Length))
        {
            if (!result.Any(r => PathText.IsUnderOrSame(path, r)))
            {
                result.Add(path);
            }
        }
        return result;
    }

    /// <summary>The writable directories of <paramref name="policy"/> that exist, resolved (symbolic links followed), without duplicates.</summary>
    public static IReadOnlyList<string> WritableRoots(SandboxPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var roots = new List<string>();
        foreach (var directory in policy.WritableDirectories)
        {
            if (string.IsNullOrWhiteSpace(directory) || !System.IO.Path.IsPathFullyQualified(directory) || !Directory.Exists(directory))
            {
                continue;
            }
            string real;
            try
            {
                real = FilePathPolicy.RealPath(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(directory)));
            }
            catch (IOException)
            {
                continue;
            }
            if (!roots.Contains(real, StringComparer.Ordinal))
            {
                roots.Add(real);
            }
        }
        return roots;
    }

    /// <summary>
    /// Decides the protection for Bash commands: with <paramref name="enabled"/> and a working bubblewrap (probed once per
    /// process), a launcher that runs every command inside the sandbox; otherwise <paramref name="inner"/> with a status
    /// that says why there is no sandbox.
    /// </summary>
    public static async Task<SandboxStatus> ConfigureAsync(bool enabled, SandboxPolicy policy, IProcessLauncher? inner = null, Task<BubblewrapProbe>? probe = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        inner ??= SystemProcessLauncher.Instance;
        if (!enabled)
        {
            return new SandboxStatus(SandboxState.Disabled, "sandbox: off (disabled by the sandbox.enabled setting)", inner);
        }
        if (!OperatingSystem.IsLinux())
        {
            return new SandboxStatus(SandboxState.NotFound, "sandbox: none — bubblewrap needs Linux; Bash runs unsandboxed" + ParserOnly, inner);
        }
        var result = await (probe ?? ProbeOnceAsync()).ConfigureAwait(false);
        if (result.Path is null)
        {
            return new SandboxStatus(SandboxState.NotFound,
                "sandbox: none — bwrap not found (install bubblewrap); Bash runs unsandboxed" + ParserOnly, inner);
        }
        if (!result.Works)
        {
            return new SandboxStatus(SandboxState.Refused,
                $"sandbox: none — kernel refused: {result.FailureReason}; Bash runs unsandboxed" + ParserOnly, inner);
        }
        var writable = WritableRoots(policy);
        var description = $"sandbox: bubblewrap, network {(policy.AllowNetwork ? "on" : "off")} "
            + $"(writable: {(writable.Count == 0 ? "nothing" : string.Join(", ", writable))}, private /tmp)"
            + (policy.Denials is { } denials ? "; " + denials.Describe() : "");
        return new SandboxStatus(SandboxState.Active, description, new SandboxedProcessLauncher(inner, result.Path, policy));
    }

    /// <summary>Appended to the fallback descriptions: without a sandbox only the command parser checks the deny rules.</summary>
    public const string ParserOnly = ", deny rules checked by the command parser only";

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end].TrimEnd();
    }
}
