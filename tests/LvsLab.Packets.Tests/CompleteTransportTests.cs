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
