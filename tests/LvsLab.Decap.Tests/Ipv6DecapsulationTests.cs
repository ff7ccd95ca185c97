using System.Buffers.Binary;
using Xunit;

namespace LvsLab.Decap.Tests;

/// <summary>
/// Packets from the AF_INET6 raw sockets: the kernel has consumed the outer IPv6 header, so what
/// arrives is the inner packet, IPv6 (next header 41) or IPv4 (next header 4).
/// </summary>
public class Ipv6DecapsulationTests
{
    [Fact]
    public void GoodIpv6InIpv6GivesExactlyTheInnerPacket()
    {
        var inner = TestPackets.Icmpv6Echo();
        var received = TestPackets.AsIpv6SocketReceives(TestPackets.WrapIpv6InIpv6(inner));
        var decap = new Decapsulator();

        var result = decap.Process(TunnelKind.Ipv6InIpv6, received, out var offset, out var length);

        Assert.Equal(DecapResult.Deliver, result);
        Assert.Equal(0, offset);
        Assert.Equal(inner.Length, length);
        Assert.Equal(inner, received.AsSpan(offset, length).ToArray());
        Assert.Equal(1, decap.Received);
        Assert.Equal(0, decap.TotalDropped);
    }

    [Fact]
    public void GoodIpv4InIpv6GivesExactlyTheInnerPacket()
    {
        var inner = TestPackets.IcmpEcho(dataLength: 5, optionWords: 1);
        var received = TestPackets.AsIpv6SocketReceives(TestPackets.WrapIpv4InIpv6(inner));
        var decap = new Decapsulator();

        var result = decap.Process(TunnelKind.Ipv4InIpv6, received, out var offset, out var length);

        Assert.Equal(DecapResult.Deliver, result);
        Assert.Equal(0, offset);
        Assert.Equal(inner.Length, length);
        Assert.Equal(inner, received.AsSpan(offset, length).ToArray());
        Assert.Equal(1, decap.Received);
        Assert.Equal(0, decap.TotalDropped);
    }

    [Theory]
    [InlineData("destination options")]
    [InlineData("hop-by-hop, routing, destination options")]
    [InlineData("atomic fragment")]
    [InlineData("first fragment")]
    [InlineData("later fragment")]
    [InlineData("no next header")]
    public void InnerIpv6WithExtensionHeadersOrAsAFragmentIsDelivered(string shape)
    {
        var echo = TestPackets.Icmpv6EchoMessage();
        var inner = shape switch
        {
            "destination options" => TestPackets.Ipv6(60, [.. TestPackets.OptionsHeader(58, units: 2), .. echo]),
            "hop-by-hop, routing, destination options" => TestPackets.Ipv6(
                0, [.. TestPackets.OptionsHeader(43), .. RoutingHeader(next: 60), .. TestPackets.OptionsHeader(58), .. echo]),
            "atomic fragment" => TestPackets.Ipv6(44, [.. TestPackets.FragmentHeader(58, offset: 0, more: false), .. echo]),
            "first fragment" => TestPackets.Ipv6(44, [.. TestPackets.FragmentHeader(58, offset: 0, more: true), .. echo[..16]]),
            "later fragment" => TestPackets.Ipv6(44, [.. TestPackets.FragmentHeader(58, offset: 2, more: false), .. echo[16..]]),
            _ => TestPackets.Ipv6(59, []),
        };

        var received = TestPackets.AsIpv6SocketReceives(TestPackets.WrapIpv6InIpv6(inner));
        Assert.Equal(DecapResult.Deliver, new Decapsulator().Process(TunnelKind.Ipv6InIpv6, received, out var offset, out var length));
        Assert.Equal(inner, received.AsSpan(offset, length).ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BytesAfterTheInnerPacketAreLeftOut(bool innerIpv6)
    {
        // The outer payload holds the inner packet and 7 more bytes its own length does not cover.
        var kind = innerIpv6 ? TunnelKind.Ipv6InIpv6 : TunnelKind.Ipv4InIpv6;
        var inner = innerIpv6 ? TestPackets.Icmpv6Echo() : TestPackets.IcmpEcho();
        byte[] received = [.. inner, 1, 2, 3, 4, 5, 6, 7];

        Assert.Equal(DecapResult.Deliver, new Decapsulator().Process(kind, received, out var offset, out var length));
        Assert.Equal(0, offset);
        Assert.Equal(inner, received.AsSpan(offset, length).ToArray());
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("one byte")]
    [InlineData("39 bytes")]
    [InlineData("payload length beyond the data")]
    [InlineData("extension header beyond the data")]
    [InlineData("extension header length beyond the data")]
    public void TruncatedInnerIpv6IsDroppedAsInnerIpv6Truncated(string mutation)
    {
        var inner = TestPackets.Icmpv6Echo();
        byte[] received = mutation switch
        {
            "empty" => [],
            "one byte" => [0x60],
            "39 bytes" => inner[..39],
            "payload length beyond the data" => inner[..^1],

            // 40 + 4 bytes: the payload length covers the 4, but an extension header needs 8.
            "extension header beyond the data" => TestPackets.Ipv6(60, TestPackets.OptionsHeader(58)[..4]),

            // A destination options header announcing 3 × 8 bytes where the packet holds 8 + 8.
            _ => TestPackets.Ipv6(60, [.. TestPackets.OptionsHeader(58, units: 3)[..8], .. TestPackets.Icmpv6EchoMessage(dataLength: 0)]),
        };

        AssertDropped(TunnelKind.Ipv6InIpv6, received, DecapResult.InnerIpv6Truncated);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("19 bytes")]
    [InlineData("total length beyond the data")]
    [InlineData("IHL beyond the data")]
    public void TruncatedInnerIpv4InIpv6IsDroppedAsInnerTruncated(string mutation)
    {
        var inner = TestPackets.IcmpEcho(dataLength: 0); // 28 bytes
        byte[] received = mutation switch
        {
            "empty" => [],
            "19 bytes" => inner[..19],
            "total length beyond the data" => inner[..^1],
            _ => inner,
        };
        if (mutation == "IHL beyond the data")
        {
            received[0] = 0x48; // 32 bytes of header in 28
        }

        AssertDropped(TunnelKind.Ipv4InIpv6, received, DecapResult.InnerTruncated);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(15)]
    public void InnerOfTheWrongVersionInIpv6InIpv6IsDroppedAsInnerIpv6Invalid(int version)
    {
        // Version 4: a whole valid IPv4 packet where next header 41 promised IPv6.
        var received = version == 4 ? TestPackets.IcmpEcho(dataLength: 40) : TestPackets.Icmpv6Echo();
        received[0] = (byte)((version << 4) | (received[0] & 0x0F));

        AssertDropped(TunnelKind.Ipv6InIpv6, received, DecapResult.InnerIpv6Invalid);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(0)]
    [InlineData(15)]
    public void InnerOfTheWrongVersionInIpv4InIpv6IsDroppedAsInnerInvalid(int version)
    {
        // Version 6: a whole valid IPv6 packet where next header 4 promised IPv4.
        var received = version == 6 ? TestPackets.Icmpv6Echo() : TestPackets.IcmpEcho();
        received[0] = (byte)((version << 4) | (received[0] & 0x0F));

        AssertDropped(TunnelKind.Ipv4InIpv6, received, DecapResult.InnerInvalid);
    }

    [Fact]
    public void InnerJumbogramIsDroppedAsInnerIpv6Invalid()
    {
        // Payload length 0 with a hop-by-hop header announces a jumbo payload (RFC 2675): not supported.
        var received = TestPackets.Ipv6(0, [.. TestPackets.OptionsHeader(58), .. TestPackets.Icmpv6EchoMessage()], payloadLength: 0);
        AssertDropped(TunnelKind.Ipv6InIpv6, received, DecapResult.InnerIpv6Invalid);
    }

    [Theory]
    [InlineData("IHL 4")]
    [InlineData("total length below header length")]
    public void MalformedInnerIpv4InIpv6IsDroppedAsInnerInvalid(string mutation)
    {
        var received = TestPackets.IcmpEcho();
        if (mutation == "IHL 4")
        {
            received[0] = 0x44;
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(received.AsSpan(2), 19);
            TestPackets.FixChecksum(received);
        }

        AssertDropped(TunnelKind.Ipv4InIpv6, received, DecapResult.InnerInvalid);
    }

    [Fact]
    public void BadInnerIpv4HeaderChecksumInIpv6IsDroppedAsInnerBadChecksum()
    {
        var inner = TestPackets.IcmpEcho();
        inner[8]--; // TTL changed, checksum not updated
        var received = TestPackets.AsIpv6SocketReceives(TestPackets.WrapIpv4InIpv6(inner));

        AssertDropped(TunnelKind.Ipv4InIpv6, received, DecapResult.InnerBadChecksum);
    }

    [Theory]
    [InlineData("ESP")]
    [InlineData("AH")]
    [InlineData("unknown next header 253")]
    [InlineData("ESP after destination options")]
    [InlineData("hop-by-hop not first")]
    [InlineData("two fragment headers")]
    [InlineData("nine extension headers")]
    public void InnerIpv6WhoseExtensionHeadersDoNotWalkIsDroppedAsInnerIpv6BadExtensionHeaders(string chain)
    {
        var data = new byte[24];
        var received = chain switch
        {
            "ESP" => TestPackets.Ipv6(50, data),
            "AH" => TestPackets.Ipv6(51, data),
            "unknown next header 253" => TestPackets.Ipv6(253, data),
            "ESP after destination options" => TestPackets.Ipv6(60, [.. TestPackets.OptionsHeader(50), .. data]),
            "hop-by-hop not first" => TestPackets.Ipv6(60, [.. TestPackets.OptionsHeader(0), .. TestPackets.OptionsHeader(58), .. data]),
            "two fragment headers" => TestPackets.Ipv6(
                44, [.. TestPackets.FragmentHeader(44, offset: 0, more: false), .. TestPackets.FragmentHeader(58, offset: 0, more: false), .. data]),
            _ => TestPackets.Ipv6(60, [.. Enumerable.Range(0, 9).SelectMany(i => TestPackets.OptionsHeader(i < 8 ? (byte)60 : (byte)58)), .. data]),
        };

        AssertDropped(TunnelKind.Ipv6InIpv6, received, DecapResult.InnerIpv6BadExtensionHeaders);
    }

    [Fact]
    public void EightExtensionHeadersAreStillAccepted()
    {
        // The counterpart of "nine extension headers" above: the limit is MaxHeaders, not fewer.
        var received = TestPackets.Ipv6(
            60, [.. Enumerable.Range(0, 8).SelectMany(i => TestPackets.OptionsHeader(i < 7 ? (byte)60 : (byte)58)), .. TestPackets.Icmpv6EchoMessage()]);
        Assert.Equal(DecapResult.Deliver, new Decapsulator().Process(TunnelKind.Ipv6InIpv6, received, out _, out _));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ProcessNeverWritesTheReceivedBytes(bool innerIpv6)
    {
        var kind = innerIpv6 ? TunnelKind.Ipv6InIpv6 : TunnelKind.Ipv4InIpv6;
        var received = innerIpv6 ? TestPackets.Icmpv6Echo() : TestPackets.IcmpEcho();
        var copy = received.ToArray();
        new Decapsulator().Process(kind, received, out _, out _);
        Assert.Equal(copy, received);
    }

    [Fact]
    public void TheSocketDecidesWhatTheBytesAre()
    {
        // An IPv4-in-IPv4 packet as the IPv4 socket gives it is delivered from byte 20 on; the same
        // bytes from the next-header-4 IPv6 socket are one IPv4 packet (protocol 4) delivered
        // whole, and from the next-header-41 socket they are not IPv6 at all.
        var outer = TestPackets.Wrap(TestPackets.IcmpEcho());
        var decap = new Decapsulator();

        Assert.Equal(DecapResult.Deliver, decap.Process(TunnelKind.Ipv4InIpv4, outer, out var offset, out _));
        Assert.Equal(20, offset);
        Assert.Equal(DecapResult.Deliver, decap.Process(TunnelKind.Ipv4InIpv6, outer, out offset, out var length));
        Assert.Equal((0, outer.Length), (offset, length));
        Assert.Equal(DecapResult.InnerIpv6Invalid, decap.Process(TunnelKind.Ipv6InIpv6, outer, out _, out _));
        Assert.Equal(3, decap.Received);
    }

    [Fact]
    public void AKindThatIsNotATunnelKindThrowsAndCountsNothing()
    {
        var decap = new Decapsulator();
        Assert.Throws<ArgumentOutOfRangeException>(() => decap.Process((TunnelKind)3, TestPackets.Icmpv6Echo(), out _, out _));
        Assert.Equal(0, decap.Received);
        Assert.Equal(0, decap.TotalDropped);
    }

    private static byte[] RoutingHeader(byte next)
    {
        // Type 4 (segment routing) with segments left 0: passed over like any routing header.
        var header = new byte[8];
        header[0] = next;
        header[2] = 4;
        return header;
    }

    private static void AssertDropped(TunnelKind kind, byte[] received, DecapResult expected)
    {
        var decap = new Decapsulator();
        var result = decap.Process(kind, received, out var offset, out var length);
        Assert.Equal(expected, result);
        Assert.Equal(0, offset);
        Assert.Equal(0, length);
        Assert.Equal(1, decap.Received);
        Assert.Equal(1, decap.GetDropped(expected));
        Assert.Equal(1, decap.TotalDropped);
        Assert.Equal(0, decap.Delivered);
    }
}
