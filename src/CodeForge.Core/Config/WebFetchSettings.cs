using System.Collections.Immutable;
using System.Text.Json;

namespace CodeForge.Core.Config;

/// <summary>
/// The <c>webFetch</c> settings key: which non-public hosts the web tools may reach.
/// <code>"webFetch": { "allowPrivateNetwork": false, "allowedHosts": ["127.0.0.1", "intranet.local"] }</code>
/// </summary>
/// <param name="AllowPrivateNetwork">Loopback, private and link-local addresses may be reached (metadata addresses still not);
/// <see langword="null"/> when the layer does not say.</param>
/// <param name="AllowedHosts">Hosts (names or IP literals, exact) reachable whatever they resolve to; layers add up.</param>
/// <remarks>Immutable. Merge: a higher layer's <paramref name="AllowPrivateNetwork"/> wins; hosts are the union.</remarks>
public sealed record WebFetchSettings(bool? AllowPrivateNetwork, ImmutableArray<string> AllowedHosts)
{
    /// <summary>Nothing set.</summary>
    public static WebFetchSettings Empty { get; } = new(null, []);

    /// <summary><paramref name="higher"/> over this.</summary>
    public WebFetchSettings MergeWith(WebFetchSettings? higher) => higher is null ? this : new(
        higher.AllowPrivateNetwork ?? AllowPrivateNetwork,
        AllowedHosts.AddRange(higher.AllowedHosts.Except(AllowedHosts, StringComparer.OrdinalIgnoreCase)));

    /// <summary>Parses the value of <paramref name="key"/>; problems go to <paramref name="error"/> (key path, message) and the
    /// rest is kept.</summary>
    internal static WebFetchSettings? Parse(string key, JsonElement value, Action<string, string> error)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            error(key, $"expected an object, found {SettingsParser.Describe(value)}; ignored");
            return null;
        }
        bool? allowPrivate = null;
        var hosts = ImmutableArray.CreateBuilder<string>();
        foreach (var property in value.EnumerateObject())
        {
            var path = key + "." + property.Name;
            switch (property.Name)
            {
                case "allowPrivateNetwork":
                    if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        allowPrivate = property.Value.GetBoolean();
                    }
                    else
                    {
                        error(path, $"expected true or false, found {SettingsParser.Describe(property.Value)}; ignored");
                    }
                    break;
                case "allowedHosts":
                    if (property.Value.ValueKind != JsonValueKind.Array)
                    {
                        error(path, $"expected an array of host names, found {SettingsParser.Describe(property.Value)}; ignored");
                        break;
                    }
                    var i = 0;
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        var itemPath = $"{path}[{i++}]";
                        if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                        {
                            error(itemPath, $"expected a host name or IP address, found {(item.ValueKind == JsonValueKind.String ? "a blank string" : SettingsParser.Describe(item))}; ignored");
                            continue;
                        }
                        var host = item.GetString()!.Trim();
                        if (host.Contains("://", StringComparison.Ordinal) || host.Contains('/', StringComparison.Ordinal) || host.Contains(' ', StringComparison.Ordinal))
                        {
                            error(itemPath, $"\"{host}\" is not a host name (give the host alone, e.g. \"127.0.0.1\" or \"intranet.local\"); ignored");
                            continue;
                        }
                        hosts.Add(host);
                    }
                    break;
                default:
                    error(path, "unknown webFetch setting (expected allowPrivateNetwork or allowedHosts); ignored");
                    break;
            }
        }
        return new WebFetchSettings(allowPrivate, hosts.ToImmutable());
    }
}
