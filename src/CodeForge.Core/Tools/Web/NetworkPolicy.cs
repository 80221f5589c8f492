using System.Net;
using System.Net.Sockets;

namespace CodeForge.Core.Tools.Web;

/// <summary>What kind of address an IP is, for the SSRF guard.</summary>
public enum AddressKind
{
    /// <summary>A globally routable address.</summary>
    Public,

    /// <summary>127.0.0.0/8, ::1.</summary>
    Loopback,

    /// <summary>10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7 (ULA), fec0::/10 (old site-local).</summary>
    Private,

    /// <summary>169.254/16, fe80::/10.</summary>
    LinkLocal,

    /// <summary>224/4, ff00::/8.</summary>
    Multicast,

    /// <summary>0.0.0.0/8, ::.</summary>
    Unspecified,

    /// <summary>240/4, 255.255.255.255, 192.0.0/24, 198.18/15 and other special-purpose ranges.</summary>
    Reserved,

    /// <summary>Cloud instance metadata: 169.254.169.254, fd00:ec2::254, 100.100.100.200.</summary>
    Metadata,
}

/// <summary>
/// The SSRF guard: which hosts and addresses the web tools may reach. Used before a request (IP literals, for a clear
/// message), at connect time for every resolved address (so DNS rebinding cannot slip a private address in after a
/// check), and for every redirect hop.
/// </summary>
/// <remarks>Immutable; every member may be called concurrently.</remarks>
public sealed class NetworkPolicy
{
    private static readonly IPAddress[] MetadataAddresses =
    [
        IPAddress.Parse("169.254.169.254"), IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("100.100.100.200"),
    ];

    private readonly HashSet<string> _allowedNames;
    private readonly HashSet<IPAddress> _allowedAddresses;

    /// <summary>Creates the policy of <paramref name="options"/>.</summary>
    public NetworkPolicy(WebToolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AllowPrivateNetwork = options.AllowPrivateNetwork;
        _allowedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        _allowedAddresses = [];
        foreach (var raw in options.AllowedHosts)
        {
            var host = NormalizeHost(raw);
            if (IPAddress.TryParse(host, out var ip))
            {
                _allowedAddresses.Add(Canonical(ip));
            }
            else
            {
                _allowedNames.Add(host);
            }
        }
    }

    /// <summary>Whether non-public addresses (other than metadata ones) may be reached.</summary>
    public bool AllowPrivateNetwork { get; }

    /// <summary>Whether <paramref name="host"/> (a name or an IP literal, brackets allowed) is listed in the allowed hosts.</summary>
    public bool IsListed(string host)
    {
        var h = NormalizeHost(host);
        return IPAddress.TryParse(h, out var ip) ? _allowedAddresses.Contains(Canonical(ip)) : _allowedNames.Contains(h);
    }

    /// <summary>Whether a connection to <paramref name="address"/>, reached through <paramref name="host"/>, is allowed;
    /// <paramref name="reason"/> says why not.</summary>
    public bool IsAllowed(string host, IPAddress address, out string reason)
    {
        ArgumentNullException.ThrowIfNull(address);
        reason = "";
        if (IsListed(host))
        {
            return true;
        }
        var kind = Classify(address);
        if (kind == AddressKind.Public || (AllowPrivateNetwork && kind != AddressKind.Metadata))
        {
            return true;
        }
        var what = kind switch
        {
            AddressKind.Loopback => "a loopback address",
            AddressKind.Private => "a private-network address",
            AddressKind.LinkLocal => "a link-local address",
            AddressKind.Multicast => "a multicast address",
            AddressKind.Unspecified => "an unspecified address",
            AddressKind.Metadata => "a cloud metadata address",
            _ => "a reserved address",
        };
        var how = kind == AddressKind.Metadata
            ? "list the host in the \"webFetch.allowedHosts\" setting to reach it"
            : "set \"webFetch.allowPrivateNetwork\": true or list the host in \"webFetch.allowedHosts\" to reach it";
        reason = string.Equals(NormalizeHost(host), address.ToString(), StringComparison.OrdinalIgnoreCase)
            ? $"{address} is {what}; the web tools refuse it by default ({how})"
            : $"{host} resolves to {address}, {what}; the web tools refuse it by default ({how})";
        return false;
    }

    /// <summary>Classifies <paramref name="address"/> (IPv4-mapped, NAT64 and 6to4 IPv6 forms by their IPv4 address).</summary>
    public static AddressKind Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Canonical(address);
        if (Array.Exists(MetadataAddresses, m => m.Equals(address)))
        {
            return AddressKind.Metadata;
        }
        Span<byte> b = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(b, out _);
            return ClassifyV4(b[0], b[1], b[2], b[3]);
        }
        address.TryWriteBytes(b, out _);
        if (address.Equals(IPAddress.IPv6Any))
        {
            return AddressKind.Unspecified;
        }
        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return AddressKind.Loopback;
        }
        // NAT64 64:ff9b::/96 and 6to4 2002::/16 carry an IPv4 address.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return ClassifyV4(b[12], b[13], b[14], b[15]);
        }
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return ClassifyV4(b[2], b[3], b[4], b[5]);
        }
        if (b[0] == 0xff)
        {
            return AddressKind.Multicast;
        }
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        {
            return AddressKind.LinkLocal;
        }
        if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0))
        {
            return AddressKind.Private;
        }
        // IPv4-compatible ::a.b.c.d (deprecated) and other addresses in ::/8; 100::/64 discard; 2001:db8::/32 documentation.
        if (b[0] == 0x00 || (b[0] == 0x01 && b[1] == 0x00 && b[2..8].IndexOfAnyExcept((byte)0) < 0) ||
            (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8))
        {
            return AddressKind.Reserved;
        }
        return AddressKind.Public;
    }

    private static AddressKind ClassifyV4(byte a, byte b, byte c, byte d) => (a, b) switch
    {
        (0, _) => AddressKind.Unspecified,
        (127, _) => AddressKind.Loopback,
        (10, _) => AddressKind.Private,
        (172, >= 16 and <= 31) => AddressKind.Private,
        (192, 168) => AddressKind.Private,
        (100, >= 64 and <= 127) => AddressKind.Private,
        (169, 254) => a == 169 && b == 254 && c == 169 && d == 254 ? AddressKind.Metadata : AddressKind.LinkLocal,
        (>= 224 and <= 239, _) => AddressKind.Multicast,
        (>= 240, _) => AddressKind.Reserved,
        (192, 0) when c is 0 or 2 => AddressKind.Reserved,
        (198, 18 or 19) => AddressKind.Reserved,
        (198, 51) when c == 100 => AddressKind.Reserved,
        (203, 0) when c == 113 => AddressKind.Reserved,
        _ => AddressKind.Public,
    };

    /// <summary>An IPv4-mapped IPv6 address as IPv4; a scope id dropped.</summary>
    internal static IPAddress Canonical(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            var copy = new IPAddress(address.GetAddressBytes());
            return copy;
        }
        return address;
    }

    /// <summary>Lower case, brackets and a trailing dot removed.</summary>
    internal static string NormalizeHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = host.Trim();
        if (h.StartsWith('[') && h.EndsWith(']'))
        {
            h = h[1..^1];
        }
        return h.TrimEnd('.').ToLowerInvariant();
    }
}
