using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace CodeForge.Core.Config;

/// <summary>
/// The settings' <c>env</c> as the tools see it: a read-only dictionary whose contents are replaced whole when the
/// settings change, so the next command a tool starts gets the new variables.
/// </summary>
/// <remarks>Thread-safe: one immutable dictionary behind a volatile reference. Each single read sees one version;
/// enumerate <see cref="Current"/> to read several entries of one version.</remarks>
public sealed class LiveEnvironmentDictionary(ImmutableDictionary<string, string> initial) : IReadOnlyDictionary<string, string?>
{
    private ImmutableDictionary<string, string> _current = initial ?? throw new ArgumentNullException(nameof(initial));

    /// <summary>The variables now.</summary>
    public ImmutableDictionary<string, string> Current => Volatile.Read(ref _current);

    /// <summary>Replaces the variables; true when they differ from the ones before.</summary>
    public bool Replace(ImmutableDictionary<string, string> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var before = Interlocked.Exchange(ref _current, next);
        return before.Count != next.Count || before.Any(kv => !next.TryGetValue(kv.Key, out var v) || v != kv.Value);
    }

    public string? this[string key] => Current[key];

    public IEnumerable<string> Keys => Current.Keys;

    public IEnumerable<string?> Values => Current.Values;

    public int Count => Current.Count;

    public bool ContainsKey(string key) => Current.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string? value)
    {
        var found = Current.TryGetValue(key, out var v);
        value = v;
        return found;
    }

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() =>
        Current.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
