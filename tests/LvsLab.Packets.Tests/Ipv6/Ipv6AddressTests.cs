using System.Net;
using Xunit;

namespace LvsLab.Packets.Tests.Ipv6;

public class Ipv6AddressTests
{
    [Theory]
    [InlineData("::", 0UL, 0UL)]
    [InlineData("::1", 0UL, 1UL)]
    [InlineData("2001:db8::1", 0x20010DB800000000UL, 1UL)]
    [InlineData("fd00:1::100", 0xFD00000100000000UL, 0x100UL)]
    [InlineData("ff02::1:ff00:11", 0xFF02000000000000UL, 0x00000001FF000011UL)]
    [InlineData("1:2:3:4:5:6:7:8", 0x0001000200030004UL, 0x0005000600070008UL)]
    [InlineData("::ffff:10.0.0.1", 0UL, 0x0000FFFF0A000001UL)]
    [InlineData("fe80::", 0xFE80000000000000UL, 0UL)]
    public void ParsesIntoBigEndianHalvesAndFormatsBack(string text, ulong high, ulong low)
    {
        Assert.True(Ipv6Address.TryParse(text, out Ipv6Address address));
        Assert.Equal((high, low), (address.High, address.Low));
        Assert.Equal(text, address.ToString());
        Assert.Equal(address, Ipv6Address.Parse(text));
    }

    [Theory]
    // RFC 5952 §4.1: no leading zeros. §4.2.1: the longest run. §4.2.2: not one field.
    // §4.2.3: the first of equal runs. §4.3: lower case. §5: IPv4-mapped in dotted form.
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [InlineData("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]
    [InlineData("2001:0:0:1:0:0:0:1", "2001:0:0:1::1")]
    [InlineData("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1")]
    [InlineData("2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1")]
    [InlineData("2001:DB8::ABCD:EF", "2001:db8::abcd:ef")]
    [InlineData("0:0:0:0:0:ffff:c000:0280", "::ffff:192.0.2.128")]
    [InlineData("1:0:0:0:0:0:0:0", "1::")]
    [InlineData("0:0:0:0:0:0:0:0", "::")]
    [InlineData("1:0:0:2:0:0:0:3", "1:0:0:2::3")]
    [InlineData("0:0:1:0:0:0:0:0", "0:0:1::")]
    [InlineData("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0")]
    [InlineData("fd00::10.1.2.3", "fd00::a01:203")]
    public void FormatsTheRfc5952CanonicalText(string text, string canonical)
    {
        Ipv6Address address = Ipv6Address.Parse(text);
        Assert.Equal(canonical, address.ToString());
        Assert.Equal(address, Ipv6Address.Parse(canonical));
        Assert.Equal(IPAddress.Parse(text), address.ToIPAddress());
    }

    [Theory]
    [InlineData("")]
    [InlineData(":")]
    [InlineData(":::")]
    [InlineData("1:::2")]
    [InlineData("1::2::3")]
    [InlineData(":1:2:3:4:5:6:7")]
    [InlineData("1:2:3:4:5:6:7:")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1:2:3:4::5:6:7:8")]
    [InlineData("2001:db8::0:1:1:1:1:1")]
    [InlineData("12345::")]
    [InlineData("g::")]
    [InlineData("::1 ")]
    [InlineData(" ::1")]
    [InlineData("[::1]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fd00::/64")]
    [InlineData("::ffff:10.0.0.256")]
    [InlineData("::ffff:10.0.0")]
    [InlineData("::10.0.0.1:1")]
    [InlineData("1:2:3:4:5:6:7:10.0.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17:18:19:20")]
    public void RejectsMalformedText(string text)
    {
        Assert.False(Ipv6Address.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Ipv6Address.Parse(text));
    }

    [Fact]
    public void NullIsNotAnAddress() => Assert.False(Ipv6Address.TryParse((string?)null, out _));

    [Fact]
    public void RandomAddressesAgreeWithSystemNet()
    {
        // Addresses with many zero groups, so every placement of runs turns up; formatting is
        // compared with System.Net's (RFC 5952 too) except for ::/96 (IPv4-compatible, which
        // System.Net writes in dotted form and RFC 5952 does not ask for).
        var random = new Random(5952);
        byte[] bytes = new byte[16];
        for (int round = 0; round < 20_000; round++)
        {
            for (int word = 0; word < 8; word++)
            {
                int value = random.Next(3) == 0 ? random.Next(65536) : random.Next(2) == 0 ? 0 : random.Next(16);
                bytes[2 * word] = (byte)(value >> 8);
                bytes[(2 * word) + 1] = (byte)value;
            }

            var system = new IPAddress(bytes);
            Ipv6Address address = Ipv6Address.ReadFrom(bytes);
            string text = address.ToString();
            Assert.Equal(address, Ipv6Address.Parse(text));
            Assert.Equal(address, Ipv6Address.Parse(system.ToString()));
            Assert.Equal(address, Ipv6Address.FromIPAddress(system));
            Assert.Equal(system, address.ToIPAddress());
            if (!(address.High == 0 && (address.Low >> 32) == 0))
            {
                Assert.Equal(system.ToString(), text);
            }

            // Upper case and fully written forms parse to the same address.
            Assert.Equal(address, Ipv6Address.Parse(text.ToUpperInvariant()));
            string full = string.Join(':', Enumerable.Range(0, 8).Select(i => ((bytes[2 * i] << 8) | bytes[(2 * i) + 1]).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(address, Ipv6Address.Parse(full));
        }
    }

    [Fact]
    public void ReadsAndWritesWireOrder()
    {
        byte[] bytes = [0xAA, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xBB];
        Ipv6Address address = Ipv6Address.ReadFrom(bytes.AsSpan(1));
        Assert.Equal("2001:db8::1", address.ToString());
        byte[] output = new byte[18];
        address.WriteTo(output.AsSpan(1));
        Assert.Equal(bytes[1..17], output[1..17]);
        Assert.Equal(0, output[0]);
        Assert.Equal(0, output[17]);
    }

    [Theory]
    [InlineData("fd00::1", true, false, false)]
    [InlineData("fc00::1", true, false, false)]
    [InlineData("fdff:ffff::", true, false, false)]
    [InlineData("fe00::1", false, false, false)]
    [InlineData("fe80::1", false, true, false)]
    [InlineData("febf:ffff::1", false, true, false)]
    [InlineData("fec0::1", false, false, false)]
    [InlineData("ff02::1", false, false, true)]
    [InlineData("ff05::1:3", false, false, true)]
    [InlineData("2001:db8::1", false, false, false)]
    [InlineData("::", false, false, false)]
    public void ClassifiesScopes(string text, bool uniqueLocal, bool linkLocal, bool multicast)
    {
        Ipv6Address address = Ipv6Address.Parse(text);
        Assert.Equal((uniqueLocal, linkLocal, multicast), (address.IsUniqueLocal, address.IsLinkLocal, address.IsMulticast));
    }

    [Fact]
    public void SpecialAddresses()
    {
        Assert.True(Ipv6Address.Any.IsUnspecified);
        Assert.True(Ipv6Address.Loopback.IsLoopback);
        Assert.Equal("ff02::1", Ipv6Address.AllNodes.ToString());
        Assert.Equal("ff02::2", Ipv6Address.AllRouters.ToString());
        Assert.True(Ipv6Address.Parse("::ffff:1.2.3.4").IsIpv4Mapped);
        Assert.False(Ipv6Address.Parse("::1.2.3.4").IsIpv4Mapped);
        Assert.Equal(Ipv6Address.Parse("::ffff:10.0.0.1"), Ipv6Address.MapFrom(Ipv4Address.Parse("10.0.0.1")));
    }

    [Theory]
    // RFC 4291 §2.7.1: ff02::1:ff plus the low 24 bits; RFC 2464 §7: 33:33 plus the low 32 bits.
    [InlineData("fd00:1::100", "ff02::1:ff00:100", "33:33:ff:00:01:00")]
    [InlineData("2001:db8::abcd:ef12:3456", "ff02::1:ff12:3456", "33:33:ff:12:34:56")]
    [InlineData("fe80::211:22ff:fe33:4455", "ff02::1:ff33:4455", "33:33:ff:33:44:55")]
    public void SolicitedNodeMulticastAndItsMac(string text, string solicitedNode, string mac)
    {
        Ipv6Address group = Ipv6Address.Parse(text).SolicitedNodeMulticast;
        Assert.Equal(solicitedNode, group.ToString());
        Assert.True(group.IsMulticast);
        Assert.Equal(MacAddress.Parse(mac), group.MulticastMacAddress);
        Assert.True(group.MulticastMacAddress.IsMulticast);
    }

    [Fact]
    public void AllNodesMapsToTheAllNodesMac() =>
        Assert.Equal(MacAddress.Parse("33:33:00:00:00:01"), Ipv6Address.AllNodes.MulticastMacAddress);

    [Theory]
    [InlineData("fd00:1::100", "fd00:1::", 64, true)]
    [InlineData("fd00:2::100", "fd00:1::", 64, false)]
    [InlineData("fd00:2::100", "fd00::", 16, true)]
    [InlineData("2001:db8::1", "fd00::", 0, true)]
    [InlineData("fd00::1", "fd00::1", 128, true)]
    [InlineData("fd00::2", "fd00::1", 128, false)]
    [InlineData("fd00::1:2", "fd00::1:0", 112, true)]
    [InlineData("fd00::2:2", "fd00::1:0", 112, false)]
    [InlineData("fd00:0:0:0:8000::", "fd00::", 65, false)]
    [InlineData("fd00:0:0:0:7fff::", "fd00::", 65, true)]
    public void IsInSubnet(string address, string network, int prefix, bool expected) =>
        Assert.Equal(expected, Ipv6Address.Parse(address).IsInSubnet(Ipv6Address.Parse(network), prefix));

    [Fact]
    public void PrefixOutOfRangeIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv6Address.Any.IsInSubnet(Ipv6Address.Any, 129));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv6Address.Any.IsInSubnet(Ipv6Address.Any, -1));
    }

    [Fact]
    public void ConvertsFromSystemNetOnlyForIpv6()
    {
        Assert.Equal(Ipv6Address.Parse("fe80::1"), Ipv6Address.FromIPAddress(IPAddress.Parse("fe80::1%2")));
        Assert.Throws<ArgumentException>(() => Ipv6Address.FromIPAddress(IPAddress.Parse("10.0.0.1")));
    }

    [Fact]
    public void OrdersNumerically()
    {
        Ipv6Address[] sorted = new[] { "::", "::1", "::ffff:0.0.0.1", "fd00::", "fd00::1", "ff02::1" }.Select(Ipv6Address.Parse).ToArray();
        for (int i = 1; i < sorted.Length; i++)
        {
            Assert.True(sorted[i - 1] < sorted[i]);
            Assert.True(sorted[i] > sorted[i - 1]);
            Assert.True(sorted[i - 1] <= sorted[i] && sorted[i] >= sorted[i]);
            Assert.True(sorted[i - 1].CompareTo(sorted[i]) < 0);
        }
    }

    [Fact]
    public void EqualityAndHashingAllocateNothing()
    {
        Ipv6Address a = Ipv6Address.Parse("fd00:1::100");
        Ipv6Address b = Ipv6Address.Parse("fd00:1::100");
        Ipv6Address c = Ipv6Address.Parse("fd00:1::101");
        byte[] wire = new byte[16];
        long Run(int rounds)
        {
            long total = 0;
            for (int i = 0; i < rounds; i++)
            {
                total += a.Equals(b) ? 1 : 0;
                total += a == c ? 1 : 0;
                total += a.GetHashCode() ^ c.GetHashCode();
                total += a.CompareTo(c);
                a.WriteTo(wire);
                total += Ipv6Address.ReadFrom(wire).IsUniqueLocal ? 1 : 0;
                total += (long)a.SolicitedNodeMulticast.MulticastMacAddress.Value;
            }

            return total;
        }

        Run(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = Run(10_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, sum);
        Assert.NotEqual(a.GetHashCode(), c.GetHashCode());
    }
}
