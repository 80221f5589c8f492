// VSTHRD003: Exited is the inner handle's own exit task, handed through.
#pragma warning disable VSTHRD003

namespace CodeForge.Core.Shells;

/// <summary>
/// A process handle that is <paramref name="inner"/> in every respect but one: it names <paramref name="helper"/> as the
/// launcher's own helper process (<see cref="IProcessHandle.HelperProcessName"/>), which a leftover scan does not count.
/// </summary>
/// <remarks>Thread safety: stateless; every member is the inner handle's, with its contract.</remarks>
internal sealed class HelperNamedProcessHandle(IProcessHandle inner, string helper) : IProcessHandle
{
    public int Pid => inner.Pid;

    public Stream StandardOutput => inner.StandardOutput;

    public Stream StandardError => inner.StandardError;

    public Task<int> Exited => inner.Exited;

    public bool OutputWritersRemain => inner.OutputWritersRemain;

    public bool GroupAlive => inner.GroupAlive;

    public string? HelperProcessName => helper;

    public void KillTree() => inner.KillTree();

    public void Dispose() => inner.Dispose();
}
