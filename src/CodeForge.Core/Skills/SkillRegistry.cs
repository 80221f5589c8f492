using System.Collections.Immutable;

namespace CodeForge.Core.Skills;

/// <summary>
/// The registry of skills and the one active skill (the original's <c>SkillRegistry</c>, made safe): register,
/// unregister, look up by name or alias, list, search, and activate at most one skill at a time with validated config.
/// Use <see cref="Shared"/> or construct one (with a <see cref="TimeProvider"/> in tests).
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> Every member may be called from any thread, concurrently.</para>
/// <para>State is one immutable <see cref="SkillRegistrySnapshot"/> (skills, aliases, the active skill with its config
/// and activation time) behind a volatile reference. Readers (<see cref="Snapshot"/>, <see cref="Active"/>,
/// <see cref="Get"/>, <see cref="ListSkills"/>, <see cref="GetStats"/>, …) read the current snapshot without locking and
/// always see a whole state, never a torn one. Writers (<see cref="Register(Skill)"/>, <see cref="Unregister"/>,
/// <see cref="Activate"/>, <see cref="Deactivate"/>, <see cref="Clear"/>) each build the next snapshot and swap it in
/// under one private lock, so each is atomic and linearizable. Two active skills cannot be represented: activating
/// <c>b</c> while <c>a</c> is active moves the state from <c>a</c> to <c>b</c> in one swap.</para>
/// <para><b>Notifications.</b> Each change of the active skill is a <see cref="SkillTransition"/> numbered 1, 2, 3, … in
/// the order the changes took effect (activate b over a = <c>Deactivated(a)</c> then <c>Activated(b)</c>). Every
/// transition is delivered to <see cref="Changed"/> exactly once, in sequence order, outside the lock, and never
/// concurrently with another delivery of the same registry; whichever writer finds no delivery in progress delivers
/// the queue until it is empty. So a writer may return before its own transitions are delivered when another thread is
/// delivering, but once every writer has returned every transition has been delivered. A handler may call back into the
/// registry (its changes are queued behind the current delivery, no deadlock) and sees the registry's current state,
/// which may be ahead of the transition it is handling. A handler that throws is contained: the exception is reported
/// through <see cref="CallbackFailed"/> and counted in <see cref="CallbackFailures"/>, and the other handlers and
/// transitions still run.</para>
/// </remarks>
public sealed class SkillRegistry
{
    private static SkillRegistry? s_shared;

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Queue<SkillTransition> _pending = new(); // guarded by _gate
    private volatile SkillRegistrySnapshot _state = SkillRegistrySnapshot.Empty;
    private ImmutableArray<EventHandler<SkillTransition>> _handlers = [];
    private long _sequence;   // guarded by _gate
    private bool _delivering; // guarded by _gate
    private long _callbackFailures;

    public SkillRegistry(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// The process-wide registry, created on first use. Under contention every caller gets the same instance (a racing
    /// thread's spare is discarded before anyone can see it).
    /// </summary>
    public static SkillRegistry Shared
    {
        get
        {
            var shared = Volatile.Read(ref s_shared);
            if (shared is not null)
            {
                return shared;
            }
            var created = new SkillRegistry();
            return Interlocked.CompareExchange(ref s_shared, created, null) ?? created;
        }
    }

    /// <summary>
    /// Raised once per transition, in sequence order, never concurrently (see the class remarks). Subscribing and
    /// unsubscribing are thread-safe; a handler added during a delivery receives the transitions delivered after it.
    /// </summary>
    public event EventHandler<SkillTransition>? Changed
    {
        add
        {
            if (value is not null)
            {
                ImmutableInterlocked.Update(ref _handlers, static (list, h) => list.Add(h), value);
            }
        }
        remove
        {
            if (value is not null)
            {
                ImmutableInterlocked.Update(ref _handlers, static (list, h) => list.Remove(h), value);
            }
        }
    }

    /// <summary>Raised (on the delivering thread) when a <see cref="Changed"/> handler throws; exceptions from these handlers are ignored.</summary>
    public event EventHandler<SkillCallbackFailure>? CallbackFailed;

    /// <summary>The current state, as one consistent immutable snapshot. Lock-free.</summary>
    public SkillRegistrySnapshot Snapshot => _state;

    /// <summary>The current activation (skill, config, time), or null. Lock-free.</summary>
    public SkillActivation? Active => _state.Active;

    /// <summary>The active skill, or null. Lock-free.</summary>
    public Skill? ActiveSkill => _state.Active?.Skill;

    /// <summary>How many <see cref="Changed"/> handler invocations have thrown.</summary>
    public long CallbackFailures => Interlocked.Read(ref _callbackFailures);

    public int Count => _state.Count;

    public Skill? Get(string nameOrAlias) => _state.Get(nameOrAlias);

    public bool Exists(string nameOrAlias) => _state.Exists(nameOrAlias);

    public bool IsActive(string nameOrAlias) => _state.IsActive(nameOrAlias);

    public IReadOnlyList<Skill> ListSkills(string? tag = null) => _state.ListSkills(tag);

    public IReadOnlyList<Skill> ListBuiltin() => _state.ListBuiltin();

    public IReadOnlyList<Skill> ListCustom() => _state.ListCustom();

    public IReadOnlyList<Skill> Search(string query) => _state.Search(query);

    public IReadOnlyList<string> GetTags() => _state.GetTags();

    public SkillRegistryStats GetStats() => _state.GetStats();

    /// <summary>
    /// Registers <paramref name="skill"/> with those of its aliases that are neither an alias already nor a registered
    /// skill name. Atomic.
    /// </summary>
    /// <exception cref="ArgumentException">A skill with the same name is registered ("Skill already registered: X").</exception>
    public void Register(Skill skill)
    {
        ArgumentNullException.ThrowIfNull(skill);
        lock (_gate)
        {
            var state = _state;
            if (state.Contains(skill.Name))
            {
                throw new ArgumentException($"Skill already registered: {skill.Name}", nameof(skill));
            }
            _state = state.WithSkill(skill);
        }
    }

    /// <summary>Registers a new <see cref="Skill"/> for <paramref name="definition"/> and returns it.</summary>
    /// <exception cref="ArgumentException">A skill with the same name is registered.</exception>
    public Skill Register(SkillDefinition definition)
    {
        var skill = new Skill(definition);
        Register(skill);
        return skill;
    }

    /// <summary>
    /// Registers every skill of <paramref name="skills"/> in one atomic step: readers see none of them or all of them.
    /// All or nothing: if any name is already registered or repeated in the batch, nothing changes.
    /// </summary>
    /// <exception cref="ArgumentException">A name is taken or repeated ("Skill already registered: X").</exception>
    public void RegisterMany(IEnumerable<Skill> skills) => Exchange([], skills);

    /// <summary>
    /// Removes the skills registered under <paramref name="names"/> (names not registered are ignored) in one atomic
    /// step, deactivating the active skill if it is among them. Returns how many were removed.
    /// </summary>
    public int UnregisterMany(IEnumerable<string> names) => Exchange(names, []);

    /// <summary>
    /// In one atomic step, removes the skills named in <paramref name="remove"/> (missing names are ignored) and registers
    /// <paramref name="add"/> (a plugin reload). Readers see the state wholly before or wholly after. If the active
    /// skill is removed it is deactivated in the same step (one <see cref="SkillTransitionKind.Deactivated"/>). All or
    /// nothing: if an added name is still taken after the removals, or repeated, nothing changes. Returns how many
    /// skills were removed.
    /// </summary>
    /// <exception cref="ArgumentException">An added name is taken or repeated.</exception>
    public int Exchange(IEnumerable<string> remove, IEnumerable<Skill> add)
    {
        ArgumentNullException.ThrowIfNull(remove);
        ArgumentNullException.ThrowIfNull(add);
        var removeList = remove.ToArray();
        var addList = add.ToArray();
        var batch = new HashSet<string>(StringComparer.Ordinal);
        foreach (var skill in addList)
        {
            ArgumentNullException.ThrowIfNull(skill, nameof(add));
            if (!batch.Add(skill.Name))
            {
                throw new ArgumentException($"Skill already registered: {skill.Name} (twice in one batch)", nameof(add));
            }
        }
        bool deliver;
        int removed;
        lock (_gate)
        {
            var state = _state;
            var removing = removeList.Where(state.Contains).ToHashSet(StringComparer.Ordinal);
            foreach (var skill in addList)
            {
                if (state.Contains(skill.Name) && !removing.Contains(skill.Name))
                {
                    throw new ArgumentException($"Skill already registered: {skill.Name}", nameof(add));
                }
            }
            removed = removing.Count;
            if (removed == 0 && addList.Length == 0)
            {
                return 0;
            }
            if (state.Active is { } active && removing.Contains(active.Name))
            {
                Enqueue(SkillTransitionKind.Deactivated, active);
            }
            _state = state.Exchanged(removing, addList);
            deliver = ClaimDelivery();
        }
        DeliverIf(deliver);
        return removed;
    }

    /// <summary>
    /// Removes the skill registered under the exact <paramref name="name"/> (not an alias) and its aliases. If it is
    /// active it is deactivated in the same atomic step (one <see cref="SkillTransitionKind.Deactivated"/> transition).
    /// Returns false when no such skill is registered.
    /// </summary>
    public bool Unregister(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool deliver;
        lock (_gate)
        {
            var state = _state;
            if (!state.Contains(name))
            {
                return false;
            }
            if (state.Active is { } active && active.Name == name)
            {
                Enqueue(SkillTransitionKind.Deactivated, active);
            }
            _state = state.WithoutSkill(name);
            deliver = ClaimDelivery();
        }
        DeliverIf(deliver);
        return true;
    }

    /// <summary>
    /// Activates the skill registered under <paramref name="nameOrAlias"/> with <paramref name="config"/> (defaults
    /// applied, then validated; see <see cref="Skill.ResolveConfig"/>), deactivating the active skill in the same
    /// atomic step. An unknown skill gives the error "Skill not found: X"; invalid config gives the validation errors;
    /// in both cases nothing changes. Activating the skill that is already active re-activates it: a
    /// <c>Deactivated</c>/<c>Activated</c> transition pair with the new config and a new activation time.
    /// </summary>
    public SkillActivationResult Activate(string nameOrAlias, IReadOnlyDictionary<string, object?>? config = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrAlias);
        while (true)
        {
            // Resolve the config outside the lock: it runs caller-supplied dictionary code and is pure per skill.
            var skill = _state.Get(nameOrAlias);
            if (skill is null)
            {
                return new SkillActivationResult(null, [$"Skill not found: {nameOrAlias}"]);
            }
            var resolved = skill.ResolveConfig(config);
            if (!resolved.IsValid)
            {
                return new SkillActivationResult(null, resolved.Errors);
            }
            SkillActivation activation;
            bool deliver;
            lock (_gate)
            {
                var state = _state;
                if (!ReferenceEquals(state.Get(nameOrAlias), skill))
                {
                    continue; // unregistered or replaced since the lookup: decide again on the new state
                }
                if (state.Active is { } previous)
                {
                    Enqueue(SkillTransitionKind.Deactivated, previous);
                }
                activation = new SkillActivation(skill, resolved.Values, _time.GetUtcNow(), _sequence + 1);
                Enqueue(SkillTransitionKind.Activated, activation);
                _state = state.WithActive(activation);
                deliver = ClaimDelivery();
            }
            DeliverIf(deliver);
            return new SkillActivationResult(activation, []);
        }
    }

    /// <summary>Deactivates the active skill, if any, atomically; returns it, or null when none was active.</summary>
    public Skill? Deactivate()
    {
        SkillActivation? previous;
        bool deliver;
        lock (_gate)
        {
            var state = _state;
            previous = state.Active;
            if (previous is null)
            {
                return null;
            }
            Enqueue(SkillTransitionKind.Deactivated, previous);
            _state = state.WithActive(null);
            deliver = ClaimDelivery();
        }
        DeliverIf(deliver);
        return previous.Skill;
    }

    /// <summary>Removes every skill, deactivating the active one first (in the same atomic step).</summary>
    public void Clear()
    {
        bool deliver;
        lock (_gate)
        {
            var state = _state;
            if (state.Active is { } active)
            {
                Enqueue(SkillTransitionKind.Deactivated, active);
            }
            _state = state.Cleared();
            deliver = ClaimDelivery();
        }
        DeliverIf(deliver);
    }

    /// <summary>Forgets the shared instance so the next <see cref="Shared"/> creates a fresh one (tests only). Holders of the old instance keep it.</summary>
    internal static void ResetShared() => Volatile.Write(ref s_shared, null);

    private void Enqueue(SkillTransitionKind kind, SkillActivation activation) =>
        _pending.Enqueue(new SkillTransition(++_sequence, kind, activation));

    /// <summary>Called under the lock after enqueuing: true when this thread must deliver (no delivery in progress).</summary>
    private bool ClaimDelivery()
    {
        if (_delivering || _pending.Count == 0)
        {
            return false;
        }
        _delivering = true;
        return true;
    }

    private void DeliverIf(bool claimed)
    {
        if (!claimed)
        {
            return;
        }
        var finished = false;
        try
        {
            while (true)
            {
                SkillTransition next;
                lock (_gate)
                {
                    if (!_pending.TryDequeue(out next!))
                    {
                        _delivering = false;
                        finished = true;
                        return;
                    }
                }
                Deliver(next);
            }
        }
        finally
        {
            if (!finished)
            {
                lock (_gate)
                {
                    _delivering = false;
                }
            }
        }
    }

    private void Deliver(SkillTransition transition)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                handler(this, transition);
            }
#pragma warning disable CA1031 // A handler's failure must not break the registry or the other handlers; it is reported.
            catch (Exception ex)
            {
                Interlocked.Increment(ref _callbackFailures);
                ReportFailure(new SkillCallbackFailure(transition, ex));
            }
        }
    }

    private void ReportFailure(SkillCallbackFailure failure)
    {
        try
        {
            CallbackFailed?.Invoke(this, failure);
        }
        catch (Exception)
        {
            // The failure reporter itself failed; the failure is still counted in CallbackFailures.
        }
#pragma warning restore CA1031
    }
}
