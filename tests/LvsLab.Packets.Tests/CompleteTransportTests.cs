using Xunit;

namespace LvsLab.Packets.Tests;

/// <summary>
/// Completing a checksum left to offload: the field of a CHECKSUM_PARTIAL packet holds the
/// folded pseudo-header sum (not complemented); completing must give what PacketDotNet computes.
/// </summary>
public class CompleteTransportTests
{
    [Theory]
    [InlineData(6, 16)]
    [InlineData(17, 6)]
    public void PartialChecksumIsCompletedToTheReferenceValue(int protocol, int field)
    {
        var reference = protocol == 6
            ? ReferencePackets.Tcp("10.77.1.10", "10.77.1.100", 40000, 80, "GET / HTTP/1.1\r\n"u8.ToArray(), syn: false, ack: true)
            : ReferencePackets.Udp("10.77.1.10", "10.77.1.100", 40000, 9999, new byte[22]);
        var partial = (byte[])reference.Clone();
        var segmentLength = partial.Length - 20;
        var pseudo = Checksum.Fold(Checksum.PseudoHeaderSum(Ipv4Address.ReadFrom(partial.AsSpan(12)), Ipv4Address.ReadFrom(partial.AsSpan(16)), (byte)protocol, segmentLength));
        partial[20 + field] = (byte)(pseudo >> 8);
        partial[20 + field + 1] = (byte)pseudo;
        Assert.NotEqual(reference, partial);

        Assert.True(Checksum.CompleteTransport(partial));

        Assert.Equal(reference, partial);
    }

    [Fact]
    public void FragmentsAndOtherProtocolsAreLeftAlone()
    {
        var fragment = ReferencePackets.Udp("10.77.1.10", "10.77.1.100", 40000, 9999, new byte[22]);
        fragment[6] |= 0x20; // more fragments: the checksum covers data this packet does not hold
        var before = (byte[])fragment.Clone();
        Assert.False(Checksum.CompleteTransport(fragment));
        Assert.Equal(before, fragment);

        var icmp = (byte[])before.Clone();
        icmp[6] &= 0x1F;
        icmp[9] = 1;
        Assert.False(Checksum.CompleteTransport(icmp));
        Assert.False(Checksum.CompleteTransport(icmp.AsSpan(0, 10)));
    }

    [Fact]
    public void TotalLengthBeyondTheBufferIsRefused()
    {
        var packet = ReferencePackets.Udp("10.77.1.10", "10.77.1.100", 40000, 9999, new byte[22]);
        Assert.False(Checksum.CompleteTransport(packet.AsSpan(0, packet.Length - 1)));
    }
}

/// <summary>The IPv6 case: the partial sum completed over the IPv6 pseudo-header, past extension headers.</summary>
public class CompleteTransport6Tests
{
    [Theory]
    [InlineData(6, 16)]
    [InlineData(17, 6)]
    public void PartialChecksumOfAnIpv6PacketIsCompletedToTheReferenceValue(int protocol, int field)
    {
        byte[] reference = protocol == 6
            ? Ipv6.Ipv6Reference.Tcp("fd00:10:77::10", "fd00:10:77:1::100", 40000, 80, "GET / HTTP/1.1\r\n"u8.ToArray())
            : Ipv6.Ipv6Reference.Udp("fd00:10:77::10", "fd00:10:77:1::100", 40000, 9999, new byte[22]);
        byte[] partial = (byte[])reference.Clone();
        int segmentLength = partial.Length - 40;
        ushort pseudo = Checksum.Fold(Checksum.PseudoHeaderSum(Ipv6Address.ReadFrom(partial.AsSpan(8)), Ipv6Address.ReadFrom(partial.AsSpan(24)), (byte)protocol, segmentLength));
        partial[40 + field] = (byte)(pseudo >> 8);
        partial[40 + field + 1] = (byte)pseudo;
        Assert.NotEqual(reference, partial);

        Assert.True(Checksum.CompleteTransport(partial));

        Assert.Equal(reference, partial);
    }

    [Fact]
    public void TheTcpHeaderIsFoundPastADestinationOptionsHeader()
    {
        byte[] tcp = new byte[20 + 5];
        tcp[0] = 0x9C;
        tcp[1] = 0x40;
        tcp[3] = 80;
        tcp[12] = 5 << 4;
        tcp[13] = 0x18;
        byte[] reference = Ipv6.Ipv6Reference.Build("fd00::1", "fd00::2", 60, tcp, checksumOffset: 16, upperProtocol: 6, extensionHeaders: Ipv6.Ipv6Reference.Extension(6));
        byte[] partial = (byte[])reference.Clone();
        partial[48 + 16] = 0x12;
        partial[48 + 17] = 0x34;

        Assert.True(Checksum.CompleteTransport(partial));

        Assert.Equal(reference, partial);
    }

    [Fact]
    public void AnIpv6FragmentIsLeftAlone()
    {
        byte[] udp = new byte[8 + 4];
        udp[4] = 0;
        udp[5] = 12;
        byte[] fragment = Ipv6.Ipv6Reference.Build("fd00::1", "fd00::2", 44, udp, upperProtocol: 17, extensionHeaders: Ipv6.Ipv6Reference.Fragment(17, 0, more: true, 7));
        byte[] before = (byte[])fragment.Clone();
        Assert.False(Checksum.CompleteTransport(fragment));
        Assert.Equal(before, fragment);
    }
}
