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
}
