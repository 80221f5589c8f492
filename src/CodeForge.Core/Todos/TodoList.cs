using System.Collections.Immutable;

namespace CodeForge.Core.Todos;

/// <summary>
/// The model's todo list for one session, written by the TodoWrite tool and shown by the UI and the headless printer.
/// </summary>
/// <remarks>
/// <para>Concurrency contract. The list is one immutable <see cref="TodoListSnapshot"/> behind a volatile reference:
/// <see cref="Current"/> never locks and always returns a whole list as one writer published it (never a mix of two
/// writes, never a half-built list). <see cref="Replace"/> builds the new snapshot outside any lock, then numbers and
/// publishes it under one <c>lock(object)</c>, so replacements are atomic and linearizable, versions are 1, 2, 3… in the
/// order the replacements took effect, and the last one wins.</para>
/// <para>Change notification: handlers registered with <see cref="Subscribe"/> are called outside the lock, one at a time
/// (never two at once), with strictly increasing versions; under contention intermediate versions may be coalesced, but
/// the latest version is always delivered. Whichever writer finds no delivery running delivers, until nothing newer is
/// left, so a handler may call <see cref="Replace"/> (its change is delivered after it returns) and a slow handler never
/// blocks readers. A handler's exception is passed to the error callback given to the constructor and does not stop the
/// other handlers or the writer.</para>
/// </remarks>
public sealed class TodoList
{
    private readonly object _gate = new();
    private readonly Action<Exception>? _onHandlerError;
    private TodoListSnapshot _current = TodoListSnapshot.Empty;

    // Guarded by _gate.
    private ImmutableArray<Action<TodoListSnapshot>> _handlers = [];
    private bool _delivering;
    private long _delivered;

    /// <summary>Creates an empty list; <paramref name="onHandlerError"/> receives exceptions thrown by change handlers.</summary>
    public TodoList(Action<Exception>? onHandlerError = null) => _onHandlerError = onHandlerError;

    /// <summary>The current list (lock-free).</summary>
    public TodoListSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Replaces the whole list atomically and returns the published snapshot.</summary>
    public TodoListSnapshot Replace(IEnumerable<TodoItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items.ToImmutableArray();
        if (list.Any(i => i is null))
        {
            throw new ArgumentException("A todo list cannot contain null items.", nameof(items));
        }
        TodoListSnapshot published;
        bool deliver;
        lock (_gate)
        {
            published = new TodoListSnapshot(_current.Version + 1, list);
            Volatile.Write(ref _current, published);
            deliver = !_delivering && !_handlers.IsEmpty;
            _delivering |= deliver;
        }
        if (deliver)
        {
            Deliver();
        }
        return published;
    }

    /// <summary>
    /// Calls <paramref name="handler"/> after every change (see the remarks for ordering); dispose the result to stop.
    /// It is called for later changes (and, if a delivery is under way, possibly once for the list current when it subscribed).
    /// </summary>
    public IDisposable Subscribe(Action<TodoListSnapshot> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers = _handlers.Add(handler);
        }
        return new Subscription(this, handler);
    }

    private void Deliver()
    {
        while (true)
        {
            TodoListSnapshot snapshot;
            ImmutableArray<Action<TodoListSnapshot>> handlers;
            lock (_gate)
            {
                snapshot = _current;
                handlers = _handlers;
                if (snapshot.Version <= _delivered || handlers.IsEmpty)
                {
                    _delivering = false;
                    return;
                }
                _delivered = snapshot.Version;
            }
            foreach (var handler in handlers)
            {
                try
                {
                    handler(snapshot);
                }
#pragma warning disable CA1031 // A handler's failure must not break the writer or the other handlers; it is reported.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _onHandlerError?.Invoke(ex);
                }
            }
        }
    }

    private void Unsubscribe(Action<TodoListSnapshot> handler)
    {
        lock (_gate)
        {
            _handlers = _handlers.Remove(handler);
        }
    }

    private sealed class Subscription(TodoList list, Action<TodoListSnapshot> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                list.Unsubscribe(handler);
            }
        }
    }
}
