namespace CodeForge.Concurrency.Tests.Linearizability;

/// <summary>
/// A sequential specification: the states a component can be in and, for an operation with a recorded output, the states
/// it may move to. An empty result means the output is impossible in that state. Nondeterministic specifications (a cache
/// that may or may not have evicted a key) yield several states.
/// </summary>
/// <remarks>States must be immutable and compare by value through <see cref="StateComparer"/>.</remarks>
public abstract class SequentialModel<TState, TIn, TOut>
{
    public abstract TState Init();

    public abstract IEnumerable<TState> Step(TState state, TIn input, TOut output);

    public virtual IEqualityComparer<TState> StateComparer => EqualityComparer<TState>.Default;

    public virtual string Describe(TState state) => state?.ToString() ?? "null";

    /// <summary>The operation is legal and leads to <paramref name="next"/>.</summary>
    protected static IEnumerable<TState> Legal(TState next) => [next];

    /// <summary>The recorded output cannot happen in this state.</summary>
    protected static IEnumerable<TState> Illegal => [];

    /// <summary>Legal (staying in <paramref name="state"/>) only when <paramref name="condition"/> holds.</summary>
    protected static IEnumerable<TState> LegalIf(bool condition, TState state) => condition ? [state] : [];
}
