using System.Buffers.Binary;
using System.Net;
using LvsLab.PacketGen;
using Xunit;

namespace LvsLab.PacketIo.Tests;

/// <summary>
/// <c>lvs-pktgen syn</c> without sending: its arguments and the lab boundary (forged sources only
/// from a private range on one of this machine's subnets, to a private address), the SYNs it
/// builds (checksums recomputed here independently) and the sources it draws.
/// </summary>
public class SynFloodTests
{
    private static readonly LocalSubnet[] Lab =
    [
        new(IPAddress.Parse("10.77.1.2"), 24),
        new(IPAddress.Parse("172.18.0.5"), 16),
        new(IPAddress.Loopback, 8),
    ];

    [Fact]
    public void ArgumentsAreReadWithDefaults()
    {
        var a = GenArguments.Parse(["syn", "--to", "10.77.1.100:80", "--rate", "50000", "--sources", "10.77.1.128/25"]);
        Assert.Equal(GenCommand.Syn, a.Command);
        Assert.Equal(IPEndPoint.Parse("10.77.1.100:80"), a.To);
        Assert.Equal(50000, a.Rate);
        Assert.Equal(2, a.Seconds);
        Assert.Equal(32, a.Batch);
        Assert.Equal(1, a.Seed);
        Assert.Equal("10.77.1.128/25", a.Sources.ToString());
        Assert.Equal(GenCommand.Udp, GenArguments.Parse(["udp", "--to", "10.77.1.100:80", "--rate", "1"]).Command);

        var b = GenArguments.Parse(["syn", "--to", "192.168.7.1:443", "--rate", "10", "--sources", "172.18.4.0/22", "--seconds", "0.5", "--batch", "8", "--seed", "42"]);
        Assert.Equal((0.5, 8, 42), (b.Seconds, b.Batch, b.Seed));
    }

    [Theory]
    [InlineData("syn --to 10.77.1.100:80 --rate 100", "--sources CIDR is required for syn")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 8.8.8.0/24", "--sources '8.8.8.0/24': not inside a private range")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 172.32.0.0/16", "--sources '172.32.0.0/16': not inside a private range")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 8.0.0.0/8", "--sources '8.0.0.0/8': not inside a private range")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 127.0.0.0/24", "--sources '127.0.0.0/24': not inside a private range")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77.1.0/31", "--sources '10.77.1.0/31': the prefix length must be 8 to 30")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77.1.0/32", "--sources '10.77.1.0/32': the prefix length must be 8 to 30")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.0.0.0/7", "--sources '10.0.0.0/7': the prefix length must be 8 to 30")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77.1.0", "--sources '10.77.1.0': an IPv4 network")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77/16", "--sources '10.77/16': an IPv4 network")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources fd00::/64", "--sources 'fd00::/64': an IPv4 network")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77.1.0/x", "--sources '10.77.1.0/x': an IPv4 network")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77.1.5/24", "--sources '10.77.1.5/24': host bits are set (the network is 10.77.1.0/24)")]
    [InlineData("syn --to 8.8.8.8:80 --rate 100 --sources 10.77.1.0/24", "--to '8.8.8.8:80': not a private address")]
    [InlineData("syn --to 127.0.0.1:80 --rate 100 --sources 10.77.1.0/24", "--to '127.0.0.1:80': not a private address")]
    [InlineData("syn --to 172.15.255.1:80 --rate 100 --sources 10.77.1.0/24", "--to '172.15.255.1:80': not a private address")]
    [InlineData("syn --rate 100 --sources 10.77.1.0/24", "--to ADDR:PORT is required")]
    [InlineData("syn --to 10.77.1.100:80 --sources 10.77.1.0/24", "--rate PPS is required")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77.1.0/24 --first-port 4000", "option '--first-port' is for udp only")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77.1.0/24 --flows 4", "option '--flows' is for udp only")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77.1.0/24 --size 100", "option '--size' is for udp only")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77.1.0/24 --seed -1", "--seed '-1'")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources 10.77.1.0/24 --batch 0", "--batch '0'")]
    [InlineData("syn --to 10.77.1.100:80 --rate 100 --sources", "option '--sources' needs a value")]
    [InlineData("udp --to 10.77.1.100:80 --rate 100 --sources 10.77.1.0/24", "option '--sources' is for syn only")]
    [InlineData("udp --to 10.77.1.100:80 --rate 100 --seed 3", "option '--seed' is for syn only")]
    [InlineData("udp --to 10.77.1.100:80 --rate 100 --seconds", "option '--seconds' needs a value")]
    public void BadArgumentsAreNamed(string line, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => GenArguments.Parse(line.Split(' ')));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("10.255.255.252/30")]
    [InlineData("172.16.0.0/12")]
    [InlineData("172.31.255.0/24")]
    [InlineData("192.168.0.0/16")]
    [InlineData("192.168.255.128/25")]
    public void EveryPrivateRangeIsAccepted(string cidr) =>
        Assert.Equal(cidr, GenArguments.Parse(["syn", "--to", "192.168.1.1:80", "--rate", "1", "--sources", cidr]).Sources.ToString());

    [Theory]
    [InlineData("10.77.1.0/24")]
    [InlineData("10.77.1.64/26")]
    [InlineData("10.77.1.252/30")]
    [InlineData("172.18.0.0/16")]
    [InlineData("172.18.200.0/21")]
    public void SourcesOnALocalSubnetAreAccepted(string cidr) =>
        LabBoundary.RequireOnLocalSubnet(SourceRange.Parse("--sources", cidr), Lab);

    [Theory]
    [InlineData("10.77.2.0/24")] // private, on no interface
    [InlineData("10.77.0.0/23")] // wider than the interface's /24
    [InlineData("10.0.0.0/8")]
    [InlineData("172.19.0.0/16")]
    [InlineData("192.168.1.0/24")]
    public void SourcesOnNoLocalSubnetAreRefused(string cidr)
    {
        var e = Assert.Throws<ArgumentException>(() => LabBoundary.RequireOnLocalSubnet(SourceRange.Parse("--sources", cidr), Lab));
        Assert.Equal($"--sources '{cidr}': not inside the subnet of any of this machine's interfaces (10.77.1.2/24, 172.18.0.5/16)", e.Message);
    }

    [Fact]
    public void LoopbackAndIPv6InterfacesCountForNothing()
    {
        LocalSubnet[] loopbackOnly = [new(IPAddress.Parse("127.0.0.1"), 8), new(IPAddress.Parse("fd00::1"), 64), new(IPAddress.Parse("10.0.0.1"), 4)];
        var e = Assert.Throws<ArgumentException>(() => LabBoundary.RequireOnLocalSubnet(SourceRange.Parse("--sources", "10.0.0.0/24"), loopbackOnly));
        Assert.Contains("--sources '10.0.0.0/24'", e.Message, StringComparison.Ordinal);
        Assert.Contains("(none with IPv4)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LabBoundary.RequireOnLocalSubnet(SourceRange.Parse("--sources", "10.0.0.0/24"), []));
    }

    [Fact]
    public void TheSenderChecksTheBoundaryAgainBeforeItOpensASocket()
    {
        var arguments = GenArguments.Parse(["syn", "--to", "10.77.1.100:80", "--rate", "100", "--sources", "10.99.0.0/24"]);
        var e = Assert.Throws<ArgumentException>(() => SynFlooder.Run(arguments, Lab, CancellationToken.None));
        Assert.Contains("--sources '10.99.0.0/24': not inside the subnet", e.Message, StringComparison.Ordinal);

        // Arguments built past the parser are refused as well.
        var forged = arguments with { To = IPEndPoint.Parse("8.8.8.8:80"), Sources = SourceRange.Parse("--sources", "10.77.1.0/24") };
        e = Assert.Throws<ArgumentException>(() => SynFlooder.Run(forged, Lab, CancellationToken.None));
        Assert.Contains("--to '8.8.8.8:80': not a private address", e.Message, StringComparison.Ordinal);
        var publicSources = arguments with { Sources = SourceRange.Parse("--sources", "8.8.8.0/24") };
        LocalSubnet[] publicInterface = [new(IPAddress.Parse("8.8.8.1"), 24)];
        e = Assert.Throws<ArgumentException>(() => SynFlooder.Run(publicSources, publicInterface, CancellationToken.None));
        Assert.Contains("--sources '8.8.8.0/24': not inside a private range", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMachinesOwnSubnetsLeaveLoopbackOut()
    {
        foreach (var subnet in LocalSubnet.ReadAll())
        {
            Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, subnet.Address.AddressFamily);
            Assert.False(IPAddress.IsLoopback(subnet.Address), subnet.ToString());
            Assert.InRange(subnet.PrefixLength, 0, 32);
        }
    }

    [Fact]
    public void ASynHasCorrectChecksumsTheFlagsAndTheAddressesAsked()
    {
        var packet = new byte[64];
        packet.AsSpan().Fill(0xEE);
        var length = SynPacket.Write(packet, 0x0A4D0107, 40001, 0xC0A80164, 443, 0xDEADBEEF, 0x1234);

        Assert.Equal(40, length);
        Assert.All(packet[40..], b => Assert.Equal(0xEE, b)); // nothing written past the SYN
        var ip = packet.AsSpan(0, 20);
        Assert.Equal(0x45, ip[0]);
        Assert.Equal(40, BinaryPrimitives.ReadUInt16BigEndian(ip[2..]));
        Assert.Equal(0x1234, BinaryPrimitives.ReadUInt16BigEndian(ip[4..]));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3FFF); // not a fragment
        Assert.Equal(64, ip[8]);
        Assert.Equal(6, ip[9]);
        Assert.Equal(IPAddress.Parse("10.77.1.7"), new IPAddress(ip[12..16]));
        Assert.Equal(IPAddress.Parse("192.168.1.100"), new IPAddress(ip[16..20]));
        Assert.Equal(0xFFFF, OnesComplementSum(ip));

        var tcp = packet.AsSpan(20, 20);
        Assert.Equal(40001, BinaryPrimitives.ReadUInt16BigEndian(tcp));
        Assert.Equal(443, BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]));
        Assert.Equal(0xDEADBEEF, BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]));
        Assert.Equal(5, tcp[12] >> 4); // 20 bytes: no options
        Assert.Equal(0x02, tcp[13]); // SYN and nothing else
        Assert.Equal(64240, BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(tcp[18..]));
        Assert.Equal(0xFFFF, OnesComplementSum([.. ip[12..20], 0, 6, 0, 20, .. tcp]));
    }

    [Fact]
    public void EveryDrawnSynChecksOut()
    {
        var syns = new SynSequence(IPEndPoint.Parse("172.18.0.10:8080"), SourceRange.Parse("--sources", "172.18.64.0/18"), 5);
        var packet = new byte[SynPacket.Length];
        var ports = new HashSet<int>();
        for (var n = 0; n < 10_000; n++)
        {
            Assert.Equal(40, syns.Next(packet));
            var ip = packet.AsSpan(0, 20);
            var tcp = packet.AsSpan(20, 20);
            Assert.Equal(0xFFFF, OnesComplementSum(ip));
            Assert.Equal(0xFFFF, OnesComplementSum([.. ip[12..20], 0, 6, 0, 20, .. tcp]));
            var source = BinaryPrimitives.ReadUInt32BigEndian(ip[12..]);
            Assert.InRange(source, 0xAC124001u, 0xAC127FFEu);
            Assert.Equal(IPAddress.Parse("172.18.0.10"), new IPAddress(ip[16..20]));
            var port = BinaryPrimitives.ReadUInt16BigEndian(tcp);
            Assert.InRange(port, 1024, 65535);
            ports.Add(port);
            Assert.Equal(8080, BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]));
            Assert.Equal(0x02, tcp[13]);
        }

        Assert.True(ports.Count > 9000, $"{ports.Count} distinct source ports in 10,000 SYNs");
    }

    [Fact]
    public void DrawnSourcesStayInsideTheRangeAndOffItsEnds()
    {
        var range = SourceRange.Parse("--sources", "10.77.1.0/24");
        var random = new Random(1);
        var seen = new HashSet<uint>();
        for (var n = 0; n < 100_000; n++)
        {
            var source = range.Draw(random);
            Assert.InRange(source, 0x0A4D0101u, 0x0A4D01FEu); // neither .0 nor .255
            seen.Add(source);
        }

        Assert.Equal(254, seen.Count); // uniform: every host drawn

        var pair = SourceRange.Parse("--sources", "192.168.9.4/30");
        var ends = Enumerable.Range(0, 100_000).Select(_ => pair.Draw(random)).ToHashSet();
        Assert.Equal([0xC0A80905u, 0xC0A80906u], ends.Order());

        var wide = SourceRange.Parse("--sources", "10.0.0.0/8");
        for (var n = 0; n < 100_000; n++)
        {
            Assert.InRange(wide.Draw(random), 0x0A000001u, 0x0AFFFFFEu);
        }
    }

    [Fact]
    public void TheSameSeedDrawsTheSameSyns()
    {
        var to = IPEndPoint.Parse("10.77.1.100:80");
        var range = SourceRange.Parse("--sources", "10.77.1.0/24");
        var first = Draw(new SynSequence(to, range, 7));
        Assert.Equal(first, Draw(new SynSequence(to, range, 7)));
        Assert.NotEqual(first, Draw(new SynSequence(to, range, 8)));

        var a = new Random(3);
        var b = new Random(3);
        for (var n = 0; n < 100_000; n++)
        {
            Assert.Equal(range.Draw(a), range.Draw(b));
        }

        static string Draw(SynSequence syns)
        {
            var packet = new byte[SynPacket.Length];
            var all = new List<byte>();
            for (var n = 0; n < 1000; n++)
            {
                syns.Next(packet);
                all.AddRange(packet);
            }

            return Convert.ToHexString(all.ToArray());
        }
    }

    // The one's-complement sum of 16-bit big-endian words: 0xFFFF over a header whose checksum is right.
    private static int OnesComplementSum(ReadOnlySpan<byte> bytes)
    {
        var sum = 0;
        for (var i = 0; i < bytes.Length; i += 2)
        {
            sum += (bytes[i] << 8) | (i + 1 < bytes.Length ? bytes[i + 1] : 0);
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return sum;
    }
}
