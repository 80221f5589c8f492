using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CodeForge.Cli.Native;

/// <summary>
/// Drops the pages the runtime's start-up read from the Native AOT binary's read-only data (its dehydrated type data)
/// from this process's resident memory; see <c>forge_release_read_only_pages</c> in <c>Native/prefault.c</c>.
/// </summary>
/// <remarks>Stateless; safe from any thread (a dropped page reads back the same bytes). Does nothing in the JIT and
/// ReadyToRun builds and off Linux, where <c>prefault.c</c> is not linked in.</remarks>
internal static class StartupPages
{
    /// <summary>True in the Linux Native AOT binary, the one build that links <c>prefault.c</c>.</summary>
    private static bool Linked => OperatingSystem.IsLinux() && !RuntimeFeature.IsDynamicCodeSupported;

    /// <summary>Releases the start-up pages of the binary's read-only data (advice to the kernel; never fails).</summary>
    public static void Release()
    {
        if (Linked)
        {
            ReleaseReadOnlyPages();
        }
    }

    // Bound at link time to the object of Native/prefault.c (DirectPInvoke in CodeForge.Cli.csproj).
    [DllImport("forge_native", EntryPoint = "forge_release_read_only_pages", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern void ReleaseReadOnlyPages();
}
