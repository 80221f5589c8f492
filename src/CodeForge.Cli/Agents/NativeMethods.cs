using System.Runtime.InteropServices;

namespace CodeForge.Cli.Agents;

/// <summary>The two POSIX calls background agents need: <c>setsid</c> (detach from the terminal) and <c>kill</c>.</summary>
/// <remarks>Stateless P/Invoke declarations: safe from any thread.</remarks>
internal static class NativeMethods
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [DllImport("libc", EntryPoint = "setsid", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int SetSid();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);
}
