using System.Net;
using Payments.Pipeline.Outbox;

namespace Payments.Pipeline.Tests.Outbox;

public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.215.14")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:82b::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:808:808::1")]
    [InlineData("64:ff9b::808:808")]
    public void Globally_reachable_unicast_address_is_public(string address) =>
        Assert.True(OutboundAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("0.0.0.0")] // unspecified
    [InlineData("0.1.2.3")] // "this network"
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("100.64.0.1")] // CGNAT
    [InlineData("100.127.255.255")]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("169.254.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.0.0.8")]
    [InlineData("192.0.2.1")]
    [InlineData("192.88.99.1")]
    [InlineData("192.168.0.1")]
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.255")]
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.9")]
    [InlineData("224.0.0.251")] // multicast
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")] // reserved
    [InlineData("255.255.255.255")] // broadcast
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")] // IPv4-compatible (deprecated)
    [InlineData("::8.8.8.8")]
    [InlineData("64:ff9b::7f00:1")] // NAT64 of 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("64:ff9b:1::a00:1")] // local-use NAT64
    [InlineData("2002:7f00:1::1")] // 6to4 of 127.0.0.1
    [InlineData("2002:c0a8:101::1")] // 6to4 of 192.168.1.1
    [InlineData("2002:a9fe:a9fe::1")] // 6to4 of 169.254.169.254
    [InlineData("fc00::1")] // unique local
    [InlineData("fd00:ec2::254")] // AWS metadata over IPv6
    [InlineData("fe80::1")] // link-local
    [InlineData("fe80::1%2")]
    [InlineData("fec0::1")] // site-local (deprecated)
    [InlineData("ff02::1")] // multicast
    [InlineData("ff05::1:3")]
    [InlineData("100::1")] // discard
    [InlineData("2001::1")] // Teredo
    [InlineData("2001:2::1")] // benchmarking
    [InlineData("2001:db8::1")] // documentation
    [InlineData("3fff::1")] // documentation
    public void Special_use_address_is_not_public(string address) =>
        Assert.False(OutboundAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://127.0.0.1/")]
    [InlineData("https://127.1/")]
    [InlineData("https://127.0.1/")]
    [InlineData("https://2130706433/")] // decimal
    [InlineData("https://0x7f000001/")] // hex
    [InlineData("https://0x7f.1/")]
    [InlineData("https://0x7f.0x0.0x0.0x1/")]
    [InlineData("https://0177.0.0.1/")] // octal
    [InlineData("https://0177.0000.0000.0001/")]
    [InlineData("https://017700000001/")]
    [InlineData("https://0300.0250.0.1/")] // 192.168.0.1, octal
    [InlineData("https://3232235521/")] // 192.168.0.1, decimal
    [InlineData("https://0xa9fea9fe/")] // 169.254.169.254, hex
    [InlineData("https://2852039166/")] // 169.254.169.254, decimal
    [InlineData("https://0251.0376.0251.0376/")] // 169.254.169.254, octal
    [InlineData("https://0/")]
    [InlineData("https://0.0.0.0/")]
    [InlineData("https://127.0.0.1./")] // trailing dot: a name to Uri, an address to the resolver
    [InlineData("https://0x7f.1./")]
    [InlineData("https://①②⑦.0.0.1/")] // fullwidth-style digits, mapped by IDNA
    [InlineData("https://１２７.０.０.１/")] // fullwidth digits
    [InlineData("https://¹²⁷.0.0.1/")] // superscript digits
    [InlineData("https://١٢٧.0.0.1/")] // Arabic-Indic digits
    [InlineData("https://ｌｏｃａｌｈｏｓｔ/")] // fullwidth letters
    [InlineData("https://127。0。0。1/")] // ideographic full stops
    [InlineData("https://127．0．0．1/")] // fullwidth full stops
    [InlineData("https://[::1]/")]
    [InlineData("https://[::ffff:127.0.0.1]/")]
    [InlineData("https://[::ffff:7f00:1]/")]
    [InlineData("https://[0:0:0:0:0:ffff:a9fe:a9fe]/")]
    [InlineData("https://[::127.0.0.1]/")]
    [InlineData("https://[2002:7f00:1::]/")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/")]
    [InlineData("https://[fd00::1]/")]
    [InlineData("https://[fe80::1%25eth0]/")]
    [InlineData("https://[ff02::1]/")]
    [InlineData("https://[::]/")]
    [InlineData("https://localhost/")]
    [InlineData("https://LocalHost:8443/")]
    [InlineData("https://localhost./")]
    [InlineData("https://metadata.localhost/")]
    [InlineData("https://a.b.localhost./")]
    [InlineData("https://1.2.3.999/")] // a number as last label that is no address
    [InlineData("https://1.2.3.4.5/")]
    [InlineData("https://example.0x7f/")]
    [InlineData("http://hooks.merchant.example/")] // http
    [InlineData("ftp://hooks.merchant.example/")]
    public void Url_to_a_non_public_host_in_any_notation_is_refused(string url) =>
        Assert.NotNull(OutboundAddressPolicy.Refusal(new Uri(url), allowInsecureUrls: false));

    [Theory]
    [InlineData("https://hooks.merchant.example/payments")]
    [InlineData("https://hooks.merchant.example:8443/payments?x=1")]
    [InlineData("https://8.8.8.8/")]
    [InlineData("https://134744072/")] // 8.8.8.8, decimal
    [InlineData("https://[2606:4700:4700::1111]/")]
    [InlineData("https://localhost.merchant.example/")] // "localhost" only as the last label counts
    [InlineData("https://127.0.0.1.merchant.example/")] // a name; its addresses are checked at connect
    [InlineData("https://xn--bcher-kva.example/")]
    public void Url_to_a_public_name_or_address_is_accepted(string url) =>
        Assert.Null(OutboundAddressPolicy.Refusal(new Uri(url), allowInsecureUrls: false));

    [Theory]
    [InlineData("http://127.0.0.1:5000/hooks")]
    [InlineData("http://localhost/hooks")]
    [InlineData("https://10.0.0.1/hooks")]
    public void Insecure_urls_are_accepted_only_when_allowed(string url)
    {
        Assert.NotNull(OutboundAddressPolicy.Refusal(new Uri(url), allowInsecureUrls: false));
        Assert.Null(OutboundAddressPolicy.Refusal(new Uri(url), allowInsecureUrls: true));
    }

    [Fact]
    public void Other_schemes_are_refused_even_when_insecure_urls_are_allowed() =>
        Assert.NotNull(OutboundAddressPolicy.Refusal(new Uri("ftp://127.0.0.1/"), allowInsecureUrls: true));
}
