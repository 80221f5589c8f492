using System.Collections.Concurrent;
using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

/// <summary>An in-process <see cref="IHookProcessRunner"/>: each command's behaviour is a function; every request is recorded.</summary>
internal sealed class FakeHookProcessRunner(Func<HookProcessRequest, Task<HookProcessResult>> behave) : IHookProcessRunner
{
    public FakeHookProcessRunner(Func<HookProcessRequest, HookProcessResult> behave)
        : this(r => Task.FromResult(behave(r)))
    {
    }

    public ConcurrentQueue<HookProcessRequest> Requests { get; } = new();

    public Task<HookProcessResult> RunAsync(HookProcessRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        return behave(request);
    }

    public static HookProcessResult Ok(string stdout = "") => new(0, stdout, "");
}
