using PacketDotNet;
using PacketDotNet.Utils;
using Xunit;

namespace LvsLab.Packets.Tests;

public class IcmpErrorTests
{
    private static readonly Ipv4Address Router = Ipv4Address.Parse("10.1.0.2");

    [Fact]
    public void FragmentationNeededQuotesTheHeaderAndEightBytesWithValidChecksums()
    {
        byte[] original = ReferencePackets.Tcp("192.0.2.1", "10.1.0.100", 40000, 80, new byte[1460]);
        var originalView = new Ipv4Packet(original) { DontFragment = true, TypeOfService = 0x12 };
        originalView.UpdateHeaderChecksum();
        byte[] output = new byte[IcmpError.MaxLength];

        Assert.True(IcmpError.TryWriteFragmentationNeeded(original, Router, 1480, output, out int written, out PacketError error, 0x0102), error.ToString());

        Assert.Equal(20 + 8 + 20 + 8, written);
        Assert.Equal(written, IcmpError.LengthFor(originalView));

        // PacketDotNet as the independent decoder.
        var ip = new PacketDotNet.IPv4Packet(new ByteArraySegment(output[..written]));
        Assert.True(ip.ValidIPChecksum);
        Assert.Equal(PacketDotNet.ProtocolType.Icmp, ip.Protocol);
        Assert.Equal(64, ip.TimeToLive);
        Assert.Equal(0xC0 | 0x12, ip.TypeOfService);
        Assert.Equal(0, ip.FragmentFlags);
        Assert.Equal(0x0102, ip.Id);
        Assert.Equal(written, ip.TotalLength);
        Assert.Equal(System.Net.IPAddress.Parse("10.1.0.2"), ip.SourceAddress);
        Assert.Equal(System.Net.IPAddress.Parse("192.0.2.1"), ip.DestinationAddress);
        var icmp = new IcmpV4Packet(new ByteArraySegment(output[20..written]));
        Assert.True(icmp.ValidIcmpChecksum);
        Assert.Equal(IcmpV4TypeCode.UnreachableFragmentationNeeded, icmp.TypeCode);
        Assert.Equal(0, icmp.Id);
        Assert.Equal(1480, icmp.Sequence);
        Assert.Equal(original[..28], icmp.Data);

        // And our own views agree.
        var message = new IcmpMessage(output.AsSpan(20, written - 20));
        Assert.True(message.IsChecksumValid);
        Assert.Equal(1480, message.NextHopMtu);
        Assert.Equal(1480u, message.RestOfHeader);
    }

    [Fact]
    public void QuotesOptionsAndFewerThanEightBytesWhenThePayloadIsShorter()
    {
        byte[] withOptions = new byte[24 + 3];
        var ip = new Ipv4Packet(withOptions)
        {
            Version = 4,
            Ihl = 6,
            TotalLength = (ushort)withOptions.Length,
            TimeToLive = 9,
            Protocol = IpProtocol.Udp,
            Source = Ipv4Address.Parse("198.51.100.7"),
            Destination = Ipv4Address.Parse("10.1.0.100"),
        };
        withOptions[20] = 1;
        withOptions[24] = 0xAA;
        withOptions[26] = 0xCC;
        ip.UpdateHeaderChecksum();
        byte[] output = new byte[100];

        Assert.True(IcmpError.TryWriteFragmentationNeeded(withOptions, Router, 556, output, out int written, out _));

        Assert.Equal(20 + 8 + 24 + 3, written);
        Assert.Equal(withOptions, output[28..written]);
        Assert.Equal(0, Checksum.Compute(output.AsSpan(0, 20)));
        Assert.Equal(0, Checksum.Compute(output.AsSpan(20, written - 20)));
    }

    [Fact]
    public void TrailingBytesBeyondTheTotalLengthAreNotQuoted()
    {
        byte[] original = ReferencePackets.Udp("192.0.2.1", "10.1.0.100", 5000, 53, [1, 2]);
        byte[] padded = [.. original, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE];
        byte[] output = new byte[100];
        Assert.True(IcmpError.TryWriteFragmentationNeeded(padded, Router, 1480, output, out int written, out _));
        Assert.Equal(20 + 8 + 20 + 8, written);
        Assert.Equal(original[..28], output[28..written]);
    }

    [Fact]
    public void RefusesInvalidPacketsAndSmallOutputWithoutWriting()
    {
        byte[] output = new byte[IcmpError.MaxLength];
        Assert.False(IcmpError.TryWriteFragmentationNeeded(new byte[19], Router, 1480, output, out int written, out PacketError error));
        Assert.Equal((0, PacketError.Truncated), (written, error));

        byte[] original = ReferencePackets.Tcp("192.0.2.1", "10.1.0.100", 40000, 80, [1, 2, 3]);
        Assert.False(IcmpError.TryWriteFragmentationNeeded(original.AsSpan(0, 30), Router, 1480, output, out _, out error));
        Assert.Equal(PacketError.TotalLengthBeyondBuffer, error);

        Assert.False(IcmpError.TryWriteFragmentationNeeded(original, Router, 1480, output.AsSpan(0, 55), out _, out error));
        Assert.Equal(PacketError.OutputTooSmall, error);
        Assert.All(output, b => Assert.Equal(0, b));
    }

    [Fact]
    public void NextHopMtuIsTheLowHalfOfTheRestOfHeader()
    {
        byte[] bytes = new byte[8];
        var icmp = new IcmpMessage(bytes) { RestOfHeader = 0xDEAD_0000, NextHopMtu = 1480 };
        Assert.Equal(0xDEAD_05C8u, icmp.RestOfHeader);
        Assert.Equal(1480, icmp.NextHopMtu);
        Assert.Equal(IcmpMessage.CodeFragmentationNeeded, (byte)4);
    }
}
