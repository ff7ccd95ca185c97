using System.Net;
using PacketDotNet;
using Xunit;

namespace LvsLab.Packets.Tests.Ipv6;

public class NeighbourDiscoveryTests
{
    private const int Ip = EthernetFrame.HeaderLength;
    private static readonly MacAddress DirectorMac = MacAddress.Parse("02:42:0a:00:00:02");
    private static readonly MacAddress ClientMac = MacAddress.Parse("02:42:0a:00:00:63");
    private static readonly Ipv6Address Vip = Ipv6Address.Parse("fd00:1::100");
    private static readonly Ipv6Address Client = Ipv6Address.Parse("fd00:1::99");

    /// <summary>
    /// A solicitation for fd00:1::100 from fd00:1::99 (02:42:0a:00:00:63), written byte by byte
    /// from RFC 4861 §4.3 and RFC 2464 (the checksum by the test's slow reference).
    /// </summary>
    private static byte[] HandWrittenSolicitation()
    {
        byte[] icmp =
        [
            135, 0, 0, 0, 0, 0, 0, 0,
            0xfd, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
            1, 1, 0x02, 0x42, 0x0a, 0x00, 0x00, 0x63,
        ];
        byte[] packet = Ipv6Reference.Build("fd00:1::99", "ff02::1:ff00:100", IpProtocol.Icmpv6, icmp, hopLimit: 255, checksumOffset: 2);
        byte[] ethernet = [0x33, 0x33, 0xff, 0x00, 0x01, 0x00, 0x02, 0x42, 0x0a, 0x00, 0x00, 0x63, 0x86, 0xdd];
        return [.. ethernet, .. packet];
    }

    [Fact]
    public void TheSolicitationWriterGivesTheHandWrittenFrame()
    {
        byte[] expected = HandWrittenSolicitation();
        byte[] frame = new byte[NeighbourSolicitation.FrameLength + 4];
        Assert.Equal(86, NeighbourSolicitation.WriteFrame(frame, ClientMac, Client, Vip));
        Assert.Equal(expected, frame[..86]);
    }

    [Fact]
    public void TheHandWrittenSolicitationReadsAndPacketDotNetAgrees()
    {
        byte[] frame = HandWrittenSolicitation();
        Assert.True(Ipv6Packet.TryRead(frame.AsSpan(Ip), out Ipv6Packet ip, out _));
        Assert.True(NeighbourSolicitation.TryRead(ip, out NeighbourSolicitation ns, out PacketError error), error.ToString());
        Assert.Equal(Vip, ns.Target);
        Assert.True(ns.TryGetSourceLinkLayerAddress(out MacAddress mac));
        Assert.Equal(ClientMac, mac);
        Assert.Equal(32, ns.Buffer.Length);

        var ethernet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame);
        var icmp = ethernet.Extract<IcmpV6Packet>();
        Assert.Equal(IcmpV6Type.NeighborSolicitation, icmp.Type);
        Assert.True(icmp.ValidIcmpChecksum);
        var reference = Assert.IsType<NdpNeighborSolicitationPacket>(icmp.PayloadPacket);
        Assert.Equal(IPAddress.Parse("fd00:1::100"), reference.TargetAddress);
    }

    [Fact]
    public void TheSolicitedAnswerIsUnicastSolicitedAndOverride()
    {
        byte[] frame = new byte[NeighbourAdvertisement.FrameLength];
        Assert.Equal(86, NeighbourAdvertisement.WriteSolicitedFrame(frame, DirectorMac, Vip, ClientMac, Client));

        var ethernet = new EthernetFrame(frame);
        Assert.Equal((ClientMac, DirectorMac, EtherType.Ipv6), (ethernet.Destination, ethernet.Source, ethernet.EtherType));
        Assert.True(Ipv6Packet.TryRead(ethernet.Payload, out Ipv6Packet ip, out _));
        Assert.Equal((Vip, Client, (byte)255, IpProtocol.Icmpv6), (ip.Source, ip.Destination, ip.HopLimit, ip.NextHeader));
        Assert.True(NeighbourAdvertisement.TryRead(ip, out NeighbourAdvertisement na, out PacketError error), error.ToString());
        Assert.Equal((false, true, true), (na.Router, na.Solicited, na.Override));
        Assert.Equal(Vip, na.Target);
        Assert.True(na.TryGetTargetLinkLayerAddress(out MacAddress mac));
        Assert.Equal(DirectorMac, mac);

        // Byte by byte after the checksum (RFC 4861 §4.4): flags 0x60, target, option 2 length 1.
        byte[] body = [0x60, 0, 0, 0, 0xfd, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 2, 1, 0x02, 0x42, 0x0a, 0x00, 0x00, 0x02];
        Assert.Equal(body, frame[(Ip + 40 + 4)..]);
        Assert.Equal(136, frame[Ip + 40]);
        ushort checksum = (ushort)((frame[Ip + 42] << 8) | frame[Ip + 43]);
        byte[] zeroed = frame[(Ip + 40)..];
        zeroed[2] = 0;
        zeroed[3] = 0;
        Assert.Equal(Ipv6Reference.SlowChecksum("fd00:1::100", "fd00:1::99", 58, zeroed), checksum);

        var reference = Assert.IsType<NdpNeighborAdvertisementPacket>(((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame)).Extract<IcmpV6Packet>().PayloadPacket);
        Assert.True(reference.Solicited);
        Assert.True(reference.Override);
        Assert.False(reference.Router);
        Assert.Equal(IPAddress.Parse("fd00:1::100"), reference.TargetAddress);
    }

    [Fact]
    public void AnAnswerToDuplicateAddressDetectionGoesToAllNodesUnsolicited()
    {
        byte[] frame = new byte[NeighbourAdvertisement.FrameLength];
        NeighbourAdvertisement.WriteSolicitedFrame(frame, DirectorMac, Vip, ClientMac, Ipv6Address.Any);
        Assert.Equal(MacAddress.Parse("33:33:00:00:00:01"), new EthernetFrame(frame).Destination);
        Assert.True(Ipv6Packet.TryRead(frame.AsSpan(Ip), out Ipv6Packet ip, out _));
        Assert.Equal(Ipv6Address.AllNodes, ip.Destination);
        Assert.True(NeighbourAdvertisement.TryRead(ip, out NeighbourAdvertisement na, out _));
        Assert.Equal((false, true), (na.Solicited, na.Override));
    }

    [Fact]
    public void TheUnsolicitedAdvertisementIsTheCounterpartOfAGratuitousArp()
    {
        byte[] frame = new byte[NeighbourAdvertisement.FrameLength];
        Assert.Equal(86, NeighbourAdvertisement.WriteUnsolicitedFrame(frame, DirectorMac, Vip));
        var ethernet = new EthernetFrame(frame);
        Assert.Equal((MacAddress.Parse("33:33:00:00:00:01"), DirectorMac), (ethernet.Destination, ethernet.Source));
        Assert.True(Ipv6Packet.TryRead(ethernet.Payload, out Ipv6Packet ip, out _));
        Assert.Equal((Vip, Ipv6Address.AllNodes, (byte)255), (ip.Source, ip.Destination, ip.HopLimit));
        Assert.True(NeighbourAdvertisement.TryRead(ip, out NeighbourAdvertisement na, out PacketError error), error.ToString());
        Assert.Equal((false, false, true), (na.Router, na.Solicited, na.Override));
        Assert.Equal(Vip, na.Target);
        Assert.True(na.TryGetTargetLinkLayerAddress(out MacAddress mac));
        Assert.Equal(DirectorMac, mac);

        var icmp = ((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame)).Extract<IcmpV6Packet>();
        Assert.True(icmp.ValidIcmpChecksum);
        Assert.Equal(IcmpV6Type.NeighborAdvertisement, icmp.Type);
    }

    [Fact]
    public void WritersRefuseAShortBuffer()
    {
        Assert.Throws<ArgumentException>(() => NeighbourAdvertisement.WriteUnsolicitedFrame(new byte[85], DirectorMac, Vip));
        Assert.Throws<ArgumentException>(() => NeighbourAdvertisement.WriteSolicitedFrame(new byte[85], DirectorMac, Vip, ClientMac, Client));
        Assert.Throws<ArgumentException>(() => NeighbourSolicitation.WriteFrame(new byte[85], ClientMac, Client, Vip));
    }

    public static TheoryData<string, PacketError> SolicitationMutations() => new()
    {
        { "hop limit 254", PacketError.BadHopLimit },
        { "checksum wrong", PacketError.BadChecksum },
        { "code 1", PacketError.BadCode },
        { "icmp length 23", PacketError.Truncated },
        { "icmp length 3", PacketError.Truncated },
        { "multicast target", PacketError.MulticastTarget },
        { "option length 0", PacketError.BadNeighbourDiscoveryOption },
        { "option beyond the message", PacketError.BadNeighbourDiscoveryOption },
        { "option cut to one byte", PacketError.BadNeighbourDiscoveryOption },
        { "unspecified source with a source link-layer option", PacketError.BadNeighbourDiscoveryAddresses },
        { "unspecified source to a unicast address", PacketError.BadNeighbourDiscoveryAddresses },
        { "type 136", PacketError.WrongMessageType },
        { "udp", PacketError.WrongMessageType },
        { "fragment header", PacketError.Fragment },
        { "esp", PacketError.UnsupportedNextHeader },
    };

    [Theory]
    [MemberData(nameof(SolicitationMutations))]
    public void AMalformedSolicitationIsRefusedWithItsReason(string mutation, PacketError expected)
    {
        byte[] packet = HandWrittenSolicitation()[Ip..];
        string source = "fd00:1::99";
        string destination = "ff02::1:ff00:100";
        byte[] icmp = packet[40..];
        byte hopLimit = 255;
        byte next = IpProtocol.Icmpv6;
        byte[][] extensions = [];
        bool fixChecksum = true;
        switch (mutation)
        {
            case "hop limit 254": hopLimit = 254; break;
            case "checksum wrong": icmp[2] ^= 1; fixChecksum = false; break;
            case "code 1": icmp[1] = 1; break;
            case "icmp length 23": icmp = icmp[..23]; break;
            case "icmp length 3": icmp = icmp[..3]; fixChecksum = false; break;
            case "multicast target": icmp[8] = 0xff; break;
            case "option length 0": icmp[25] = 0; break;
            case "option beyond the message": icmp[25] = 2; break;
            case "option cut to one byte": icmp = icmp[..25]; break;
            case "unspecified source with a source link-layer option": source = "::"; break;
            case "unspecified source to a unicast address": source = "::"; destination = "fd00:1::100"; icmp = icmp[..24]; break;
            case "type 136": icmp[0] = 136; break;
            case "udp": next = IpProtocol.Udp; fixChecksum = false; break;
            case "fragment header": next = IpProtocol.Ipv6Fragment; extensions = [Ipv6Reference.Fragment(IpProtocol.Icmpv6, 0, false, 1)]; break;
            case "esp": next = IpProtocol.Esp; fixChecksum = false; break;
        }

        byte[] mutated = Ipv6Reference.Build(source, destination, next, icmp, hopLimit, fixChecksum ? 2 : -1, extensionHeaders: extensions);
        Assert.True(Ipv6Packet.TryRead(mutated, out Ipv6Packet ip, out _));
        Assert.False(NeighbourSolicitation.TryRead(ip, out _, out PacketError error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void DuplicateAddressDetectionIsAValidSolicitation()
    {
        byte[] icmp = HandWrittenSolicitation()[(Ip + 40)..(Ip + 40 + 24)];
        byte[] packet = Ipv6Reference.Build("::", "ff02::1:ff00:100", IpProtocol.Icmpv6, icmp, 255, 2);
        Assert.True(Ipv6Packet.TryRead(packet, out Ipv6Packet ip, out _));
        Assert.True(NeighbourSolicitation.TryRead(ip, out NeighbourSolicitation ns, out PacketError error), error.ToString());
        Assert.False(ns.TryGetSourceLinkLayerAddress(out _));
    }

    [Fact]
    public void UnknownOptionsArePassedOver()
    {
        // A nonce option (RFC 3971 type 14, one unit) before the source link-layer address.
        byte[] icmp = [.. HandWrittenSolicitation()[(Ip + 40)..(Ip + 40 + 24)], 14, 1, 1, 2, 3, 4, 5, 6, 1, 1, 0x02, 0x42, 0x0a, 0x00, 0x00, 0x63];
        byte[] packet = Ipv6Reference.Build("fd00:1::99", "ff02::1:ff00:100", IpProtocol.Icmpv6, icmp, 255, 2);
        Assert.True(Ipv6Packet.TryRead(packet, out Ipv6Packet ip, out _));
        Assert.True(NeighbourSolicitation.TryRead(ip, out NeighbourSolicitation ns, out _));
        Assert.True(ns.TryGetSourceLinkLayerAddress(out MacAddress mac));
        Assert.Equal(ClientMac, mac);
    }

    [Theory]
    [InlineData("solicited to multicast", PacketError.BadNeighbourDiscoveryAddresses)]
    [InlineData("hop limit 64", PacketError.BadHopLimit)]
    [InlineData("multicast target", PacketError.MulticastTarget)]
    [InlineData("type 135", PacketError.WrongMessageType)]
    [InlineData("none", PacketError.None)]
    public void AMalformedAdvertisementIsRefusedWithItsReason(string mutation, PacketError expected)
    {
        byte[] frame = new byte[NeighbourAdvertisement.FrameLength];
        NeighbourAdvertisement.WriteUnsolicitedFrame(frame, DirectorMac, Vip);
        var ip = new Ipv6Packet(frame.AsSpan(Ip));
        var icmp = new Icmpv6Message(ip.Payload);
        var na = new NeighbourAdvertisement(ip.Payload);
        switch (mutation)
        {
            case "solicited to multicast": na.Solicited = true; break;
            case "hop limit 64": ip.HopLimit = 64; break;
            case "multicast target": na.Target = Ipv6Address.AllNodes; break;
            case "type 135": icmp.Type = 135; break;
        }

        icmp.UpdateChecksum(ip.Source, ip.Destination);
        NeighbourAdvertisement.TryRead(ip, out _, out PacketError error);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void FlagsAreSetAndClearedInPlace()
    {
        byte[] message = new byte[24];
        var na = new NeighbourAdvertisement(message) { Router = true, Solicited = true, Override = true };
        Assert.Equal(0xE0, message[4]);
        na.Solicited = false;
        Assert.Equal(0xA0, message[4]);
        Assert.Equal((true, false, true), (na.Router, na.Solicited, na.Override));
    }
}
