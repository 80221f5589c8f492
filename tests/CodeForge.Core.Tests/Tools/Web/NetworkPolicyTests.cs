using System.Net;
using CodeForge.Core.Tools.Web;

namespace CodeForge.Core.Tests.Tools.Web;

public sealed class NetworkPolicyTests
{
    [Theory]
    [InlineData("8.8.8.8", AddressKind.Public)]
    [InlineData("93.184.216.34", AddressKind.Public)]
    [InlineData("172.32.0.1", AddressKind.Public)]
    [InlineData("100.128.0.1", AddressKind.Public)]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("127.255.255.254", AddressKind.Loopback)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("::ffff:127.0.0.1", AddressKind.Loopback)]
    [InlineData("10.0.0.1", AddressKind.Private)]
    [InlineData("172.16.0.1", AddressKind.Private)]
    [InlineData("172.31.255.255", AddressKind.Private)]
    [InlineData("192.168.0.1", AddressKind.Private)]
    [InlineData("100.64.0.1", AddressKind.Private)]
    [InlineData("fc00::1", AddressKind.Private)]
    [InlineData("fd12:3456::1", AddressKind.Private)]
    [InlineData("::ffff:10.0.0.1", AddressKind.Private)]
    [InlineData("64:ff9b::a00:1", AddressKind.Private)]
    [InlineData("2002:a00:1::1", AddressKind.Private)]
    [InlineData("169.254.1.1", AddressKind.LinkLocal)]
    [InlineData("fe80::1", AddressKind.LinkLocal)]
    [InlineData("224.0.0.1", AddressKind.Multicast)]
    [InlineData("ff02::1", AddressKind.Multicast)]
    [InlineData("0.0.0.0", AddressKind.Unspecified)]
    [InlineData("::", AddressKind.Unspecified)]
    [InlineData("240.0.0.1", AddressKind.Reserved)]
    [InlineData("255.255.255.255", AddressKind.Reserved)]
    [InlineData("169.254.169.254", AddressKind.Metadata)]
    [InlineData("fd00:ec2::254", AddressKind.Metadata)]
    [InlineData("::ffff:169.254.169.254", AddressKind.Metadata)]
    [InlineData("100.100.100.200", AddressKind.Metadata)]
    [InlineData("2606:4700::1111", AddressKind.Public)]
    public void Classify_KnowsEachRange(string address, AddressKind expected) =>
        Assert.Equal(expected, NetworkPolicy.Classify(IPAddress.Parse(address)));

    [Fact]
    public void IsAllowed_ByDefault_AllowsOnlyPublicAddresses()
    {
        var policy = new NetworkPolicy(WebToolOptions.Default);

        Assert.True(policy.IsAllowed("example.com", IPAddress.Parse("93.184.216.34"), out _));
        Assert.False(policy.IsAllowed("example.com", IPAddress.Parse("10.0.0.5"), out var reason));
        Assert.Contains("example.com resolves to 10.0.0.5", reason, StringComparison.Ordinal);
        Assert.Contains("webFetch.allowPrivateNetwork", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void IsAllowed_WithPrivateNetwork_AllowsPrivateButNotMetadata()
    {
        var policy = new NetworkPolicy(WebToolOptions.Default with { AllowPrivateNetwork = true });

        Assert.True(policy.IsAllowed("db", IPAddress.Parse("192.168.1.4"), out _));
        Assert.True(policy.IsAllowed("localhost", IPAddress.Loopback, out _));
        Assert.False(policy.IsAllowed("metadata.google.internal", IPAddress.Parse("169.254.169.254"), out var reason));
        Assert.Contains("webFetch.allowedHosts", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void IsAllowed_ListedHosts_AreReachableWhateverTheyResolveTo()
    {
        var policy = new NetworkPolicy(WebToolOptions.Default with { AllowedHosts = ["Intranet.Local.", "[::1]", "169.254.169.254"] });

        Assert.True(policy.IsAllowed("intranet.local", IPAddress.Parse("10.1.1.1"), out _));
        Assert.True(policy.IsAllowed("::1", IPAddress.IPv6Loopback, out _));
        Assert.True(policy.IsAllowed("169.254.169.254", IPAddress.Parse("169.254.169.254"), out _));
        Assert.False(policy.IsAllowed("other.local", IPAddress.Parse("10.1.1.1"), out _));
        Assert.False(policy.IsAllowed("intranet.local.evil.com", IPAddress.Parse("10.1.1.1"), out _));
    }

    [Theory]
    [InlineData("172.15.255.255", AddressKind.Public)]
    [InlineData("100.63.255.255", AddressKind.Public)]
    [InlineData("100.127.255.255", AddressKind.Private)]
    [InlineData("192.167.1.1", AddressKind.Public)]
    [InlineData("192.169.1.1", AddressKind.Public)]
    [InlineData("11.0.0.1", AddressKind.Public)]
    [InlineData("126.255.255.255", AddressKind.Public)]
    [InlineData("128.0.0.1", AddressKind.Public)]
    [InlineData("1.0.0.1", AddressKind.Public)]
    [InlineData("169.254.169.253", AddressKind.LinkLocal)]
    [InlineData("169.254.168.254", AddressKind.LinkLocal)]
    [InlineData("169.253.169.254", AddressKind.Public)]
    [InlineData("169.255.0.1", AddressKind.Public)]
    [InlineData("168.254.169.254", AddressKind.Public)]
    [InlineData("223.255.255.255", AddressKind.Public)]
    [InlineData("239.255.255.255", AddressKind.Multicast)]
    [InlineData("192.0.0.8", AddressKind.Reserved)]
    [InlineData("192.0.2.1", AddressKind.Reserved)]
    [InlineData("192.0.1.1", AddressKind.Public)]
    [InlineData("192.0.3.1", AddressKind.Public)]
    [InlineData("198.18.0.1", AddressKind.Reserved)]
    [InlineData("198.19.255.255", AddressKind.Reserved)]
    [InlineData("198.17.0.1", AddressKind.Public)]
    [InlineData("198.20.0.1", AddressKind.Public)]
    [InlineData("198.51.100.7", AddressKind.Reserved)]
    [InlineData("198.51.101.7", AddressKind.Public)]
    [InlineData("198.52.100.7", AddressKind.Public)]
    [InlineData("203.0.113.9", AddressKind.Reserved)]
    [InlineData("203.0.114.9", AddressKind.Public)]
    [InlineData("203.1.113.9", AddressKind.Public)]
    [InlineData("64:ff9b::8.8.8.8", AddressKind.Public)]
    [InlineData("64:ff9b::7f00:1", AddressKind.Loopback)]
    [InlineData("64:ff9b:1::7f00:1", AddressKind.Reserved)]
    [InlineData("64:ff9a::7f00:1", AddressKind.Reserved)]
    [InlineData("65:ff9b::7f00:1", AddressKind.Reserved)]
    [InlineData("2002:7f00:1::", AddressKind.Loopback)]
    [InlineData("2002:808:808::", AddressKind.Public)]
    [InlineData("2003:a00:1::1", AddressKind.Public)]
    [InlineData("2102:a00:1::1", AddressKind.Public)]
    [InlineData("fe80::1%2", AddressKind.LinkLocal)]
    [InlineData("febf::1", AddressKind.LinkLocal)]
    [InlineData("fec0::1", AddressKind.Private)]
    [InlineData("feff::1", AddressKind.Private)]
    [InlineData("fe7f::1", AddressKind.Public)]
    [InlineData("fbff::1", AddressKind.Public)]
    [InlineData("fe00::1", AddressKind.Public)]
    [InlineData("::a00:1", AddressKind.Reserved)]
    [InlineData("::2", AddressKind.Reserved)]
    [InlineData("100::1", AddressKind.Reserved)]
    [InlineData("100:0:0:1::1", AddressKind.Public)]
    [InlineData("101::1", AddressKind.Public)]
    [InlineData("200::1", AddressKind.Public)]
    [InlineData("2001:db8::1", AddressKind.Reserved)]
    [InlineData("2001:db9::1", AddressKind.Public)]
    [InlineData("2001:cb8::1", AddressKind.Public)]
    [InlineData("2001:1db8::1", AddressKind.Public)]
    [InlineData("2101:db8::1", AddressKind.Public)]
    [InlineData("fd00:ec2::253", AddressKind.Private)]
    [InlineData("100.100.100.201", AddressKind.Private)]
    public void Classify_KnowsTheEdgesOfEachRange(string address, AddressKind expected) =>
        Assert.Equal(expected, NetworkPolicy.Classify(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("10.0.0.1", "a private-network address")]
    [InlineData("169.254.1.1", "a link-local address")]
    [InlineData("224.0.0.1", "a multicast address")]
    [InlineData("0.0.0.0", "an unspecified address")]
    [InlineData("240.0.0.1", "a reserved address")]
    public void IsAllowed_AnIpLiteral_SaysWhatKindOfAddressItIsAndWhichSettingReachesIt(string address, string what)
    {
        var policy = new NetworkPolicy(WebToolOptions.Default);

        Assert.False(policy.IsAllowed(address, IPAddress.Parse(address), out var reason));
        Assert.Equal($"{address} is {what}; the web tools refuse it by default (set \"webFetch.allowPrivateNetwork\": true or list the host "
            + "in \"webFetch.allowedHosts\" to reach it)", reason);
    }

    [Fact]
    public void IsAllowed_AMetadataAddress_PointsOnlyToTheAllowedHostsSetting()
    {
        var policy = new NetworkPolicy(WebToolOptions.Default);

        Assert.False(policy.IsAllowed("[FD00:EC2::254]", IPAddress.Parse("fd00:ec2::254"), out var reason));
        Assert.Equal("fd00:ec2::254 is a cloud metadata address; the web tools refuse it by default (list the host in the "
            + "\"webFetch.allowedHosts\" setting to reach it)", reason);
    }

    [Fact]
    public void IsAllowed_ANamedHost_SaysWhatItResolvesTo()
    {
        var policy = new NetworkPolicy(WebToolOptions.Default);

        Assert.False(policy.IsAllowed("printer.lan", IPAddress.Parse("192.168.0.9"), out var reason));
        Assert.Equal("printer.lan resolves to 192.168.0.9, a private-network address; the web tools refuse it by default (set "
            + "\"webFetch.allowPrivateNetwork\": true or list the host in \"webFetch.allowedHosts\" to reach it)", reason);
    }

    [Fact]
    public void IsAllowed_AnAllowedConnection_HasNoReason()
    {
        var policy = new NetworkPolicy(WebToolOptions.Default);

        Assert.True(policy.IsAllowed("example.com", IPAddress.Parse("8.8.8.8"), out var reason));
        Assert.Equal("", reason);
    }

    [Fact]
    public void IsListed_MatchesNamesWithoutCaseOrTrailingDotAndAddressesInAnyForm()
    {
        var policy = new NetworkPolicy(WebToolOptions.Default with { AllowedHosts = [" Build.Example. ", "10.0.0.7", "fe80::1"] });

        Assert.True(policy.IsListed("build.example"));
        Assert.True(policy.IsListed("BUILD.EXAMPLE."));
        Assert.True(policy.IsListed("::ffff:10.0.0.7"));
        Assert.True(policy.IsListed("[fe80::1]"));
        Assert.False(policy.IsListed("10.0.0.8"));
        Assert.False(policy.IsListed("example"));
        Assert.False(new NetworkPolicy(WebToolOptions.Default).AllowPrivateNetwork);
        Assert.True(new NetworkPolicy(WebToolOptions.Default with { AllowPrivateNetwork = true }).AllowPrivateNetwork);
    }

    [Fact]
    public void Canonical_MapsIpv4MappedAddressesAndDropsTheScope()
    {
        Assert.Equal(IPAddress.Parse("10.0.0.1"), NetworkPolicy.Canonical(IPAddress.Parse("::ffff:10.0.0.1")));
        Assert.Equal(0, NetworkPolicy.Canonical(IPAddress.Parse("fe80::1%3")).ScopeId);
        Assert.Equal(IPAddress.Parse("fe80::1"), NetworkPolicy.Canonical(IPAddress.Parse("fe80::1%3")));
        Assert.Equal(IPAddress.Parse("2001:db8::1"), NetworkPolicy.Canonical(IPAddress.Parse("2001:db8::1")));
    }

    [Theory]
    [InlineData(" [::1] ", "::1")]
    [InlineData("Example.COM.", "example.com")]
    [InlineData("[x", "[x")]
    [InlineData("x]", "x]")]
    public void NormalizeHost_LowersAndStripsBracketsAndATrailingDot(string host, string expected)
    {
        Assert.Equal(expected, NetworkPolicy.NormalizeHost(host));
    }

    [Fact]
    public void NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new NetworkPolicy(null!));
        Assert.Throws<ArgumentNullException>(() => NetworkPolicy.Classify(null!));
        Assert.Throws<ArgumentNullException>(() => NetworkPolicy.NormalizeHost(null!));
        Assert.Throws<ArgumentNullException>(() => new NetworkPolicy(WebToolOptions.Default).IsAllowed("h", null!, out _));
    }
}
