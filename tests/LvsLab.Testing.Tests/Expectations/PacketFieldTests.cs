using System.Buffers.Binary;
using LvsLab.Testing.Expectations;

namespace LvsLab.Testing.Tests.Expectations;

public sealed class PacketFieldTests
{
    [Fact]
    public void FieldsOfAPlainTcpFrame()
    {
        var frame = Frames.SynAtDirector();

        Assert.Equal(new FieldLocation(0, 6), Locate(PacketField.DestinationMac, frame));
        Assert.Equal(new FieldLocation(22, 1), Locate(PacketField.IpTtl, frame));
        Assert.Equal(new FieldLocation(18, 2), Locate(PacketField.IpIdentification, frame));
        Assert.Equal(new FieldLocation(20, 1, 0x40), Locate(PacketField.IpDontFragment, frame));
        Assert.Equal(new FieldLocation(38, 4), Locate(PacketField.TcpSequence, frame));
        Assert.Equal(new FieldLocation(50, 2), Locate(PacketField.TcpChecksum, frame));
        Assert.Equal(new FieldLocation(54, 0), Locate(PacketField.TcpOptions, frame));
        Assert.Equal(new FieldLocation(54, 3), Locate(PacketField.Payload, frame));
    }

    [Fact]
    public void IpOptionsMoveTheTransportFields()
    {
        var frame = WithIpOptions(Frames.SynAtDirector());

        Assert.Equal(new FieldLocation(14, 24), Locate(PacketField.IpHeader, frame));
        Assert.Equal(new FieldLocation(34, 4), Locate(PacketField.IpOptions, frame));
        Assert.Equal(new FieldLocation(42, 4), Locate(PacketField.TcpSequence, frame));
        Assert.Equal(new FieldLocation(54, 2), Locate(PacketField.TcpChecksum, frame));
        Assert.Equal(new FieldLocation(58, 3), Locate(PacketField.Payload, frame));
    }

    [Fact]
    public void TcpOptionsMoveThePayload()
    {
        var frame = WithTcpOptions(Frames.SynAtDirector());

        Assert.Equal(new FieldLocation(54, 4), Locate(PacketField.TcpOptions, frame));
        Assert.Equal(new FieldLocation(34, 24), Locate(PacketField.TcpHeader, frame));
        Assert.Equal(new FieldLocation(58, 3), Locate(PacketField.Payload, frame));
    }

    [Fact]
    public void InnerFieldsAreInsideTheTunnelAndTransportFieldsFollowThem()
    {
        var frame = LabWire.IpInIp(Frames.DirectorMac, Frames.RouterMac, Frames.Dip, Frames.Rs2Far, 64, Frames.SynAtDirector());

        Assert.Equal(new FieldLocation(22, 1), Locate(PacketField.IpTtl, frame));
        Assert.Equal(new FieldLocation(42, 1), Locate(PacketField.InnerIpTtl, frame));
        Assert.Equal(new FieldLocation(50, 4), Locate(PacketField.InnerDestinationAddress, frame));
        Assert.Equal(new FieldLocation(34, frame.Length - 34), Locate(PacketField.InnerIpPacket, frame));
        Assert.Equal(new FieldLocation(58, 4), Locate(PacketField.TcpSequence, frame));
    }

    [Fact]
    public void AbsentFieldsAreNotFound()
    {
        var tcp = Frames.SynAtDirector();
        var udp = Frames.UdpAtDirector();
        var arp = Frames.ArpForVip();

        Assert.False(PacketField.UdpChecksum.TryLocate(tcp, out _));
        Assert.False(PacketField.TcpChecksum.TryLocate(udp, out _));
        Assert.False(PacketField.InnerIpTtl.TryLocate(tcp, out _));
        Assert.False(PacketField.IpTtl.TryLocate(arp, out _));
        Assert.True(PacketField.SourceMac.TryLocate(arp, out _));
        Assert.Equal(new FieldLocation(34, 2), Locate(PacketField.SourcePort, udp));
        Assert.Equal(new FieldLocation(40, 2), Locate(PacketField.TransportChecksum, udp));
    }

    [Fact]
    public void ATruncatedTcpHeaderIsNotFound()
    {
        var frame = Frames.SynAtDirector().AsSpan(0, 44).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), 30);

        Assert.True(PacketField.IpTtl.TryLocate(frame, out _));
        Assert.False(PacketField.TcpSequence.TryLocate(frame, out _));
        Assert.Equal(new FieldLocation(34, 10), Locate(PacketField.Payload, frame));
    }

    private static FieldLocation Locate(PacketField field, byte[] frame)
    {
        Assert.True(field.TryLocate(frame, out var location), $"{field} not found");
        return location;
    }

    // Raw edits: these tests are about offsets. IHL 5 → 6 with 4 bytes of NOP options.
    private static byte[] WithIpOptions(byte[] frame)
    {
        byte[] result = [.. frame[..34], 1, 1, 1, 0, .. frame[34..]];
        result[14] = 0x46;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(16), (ushort)(result.Length - 14));
        return result;
    }

    // Data offset 5 → 6 with an MSS option.
    private static byte[] WithTcpOptions(byte[] frame)
    {
        byte[] result = [.. frame[..54], 2, 4, 5, 0xb4, .. frame[54..]];
        result[46] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(16), (ushort)(result.Length - 14));
        return result;
    }
}
