using LvsLab.Packets.Vrrp;
using Xunit;

namespace LvsLab.Packets.Tests.Vrrp;

/// <summary>
/// The parser reads every field of keepalived's frames, and the writers make the same bytes
/// from the same fields (see <see cref="KeepalivedFrames"/> for how they were captured).
/// </summary>
/// <remarks>
/// Frames of our own writer with fields keepalived's never had were also checked once by hand
/// (VRID 1, priority 255, interval 4095, one address; VRID 255, priority 0, interval 1, no
/// address, IP id 65535; VRID 42, priority 150, interval 300, 255 addresses; a gratuitous ARP
/// from 00:00:5e:00:01:2a): written as hex, turned into a pcap with <c>text2pcap -l 1</c> and
/// decoded with <c>tshark -V -r</c> and <c>-z expert</c> (Wireshark 4.0.17, IP header checksum
/// validation on): IP header and VRRP checksums "correct", gratuitous ARP recognised, no
/// expert info, no malformed packet.
/// </remarks>
public class VrrpGoldenFrameTests
{
    public static TheoryData<string, byte, byte, int, string[], ushort> Frames() => new()
    {
        { KeepalivedFrames.Vrid7Priority200, 7, 200, 50, ["10.250.0.107", "10.250.0.108", "10.250.0.109"], 1 },
        { KeepalivedFrames.Vrid51Priority100, 51, 100, 100, ["10.250.0.100"], 1 },
        { KeepalivedFrames.Vrid200Priority1, 200, 1, 250, ["10.250.0.120", "10.250.0.121"], 1 },
        { KeepalivedFrames.Vrid51PriorityZero, 51, 0, 100, ["10.250.0.100"], 12 },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void ParserReadsEveryFieldOfKeepalivedsFrame(string hex, byte vrid, byte priority, int interval, string[] addresses, ushort identification)
    {
        byte[] frame = KeepalivedFrames.Bytes(hex);
        Assert.True(EthernetFrame.TryRead(frame, out EthernetFrame ethernet, out _));
        Assert.Equal(VrrpAdvertisement.MulticastMac, ethernet.Destination);
        Assert.Equal(VrrpAdvertisement.VirtualRouterMac(vrid), ethernet.Source);
        Assert.Equal(EtherType.Ipv4, ethernet.EtherType);

        Assert.True(VrrpAdvertisement.TryRead(ethernet.Payload, out Ipv4Packet ip, out VrrpAdvertisement advert, out VrrpError error));
        Assert.Equal(VrrpError.None, error);
        Assert.Equal(Ipv4Address.Parse("10.250.0.1"), ip.Source);
        Assert.Equal(VrrpAdvertisement.MulticastGroup, ip.Destination);
        Assert.Equal(255, ip.TimeToLive);
        Assert.Equal(IpProtocol.Vrrp, ip.Protocol);
        Assert.Equal(0xC0, ip.TypeOfService);
        Assert.False(ip.DontFragment);
        Assert.Equal(identification, ip.Identification);

        Assert.Equal(3, advert.Version);
        Assert.Equal(1, advert.Type);
        Assert.Equal(vrid, advert.VirtualRouterId);
        Assert.Equal(priority, advert.Priority);
        Assert.Equal(addresses.Length, advert.AddressCount);
        Assert.Equal(0, advert.Reserved);
        Assert.Equal(interval, advert.MaxAdvertisementInterval);
        Assert.Equal(VrrpAdvertisement.MessageLength(addresses.Length), advert.Buffer.Length);
        Assert.Equal(advert.Buffer.Length, advert.Addresses.Length + VrrpAdvertisement.HeaderLength);
        for (int i = 0; i < addresses.Length; i++)
        {
            Assert.Equal(Ipv4Address.Parse(addresses[i]), advert.GetAddress(i));
        }

        Assert.True(advert.IsChecksumValid(ip.Source, ip.Destination));
        Assert.Equal((ushort)((frame[40] << 8) | frame[41]), advert.Checksum);
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void WriterMakesKeepalivedsFrameByteForByte(string hex, byte vrid, byte priority, int interval, string[] addresses, ushort identification)
    {
        byte[] expected = KeepalivedFrames.Bytes(hex);
        Ipv4Address[] vips = Array.ConvertAll(addresses, Ipv4Address.Parse);
        byte[] frame = new byte[128];
        Array.Fill(frame, (byte)0xAA);

        int length = VrrpAdvertisementFrame.Write(frame, vrid, priority, interval, vips, Ipv4Address.Parse("10.250.0.1"), identification);

        Assert.Equal(VrrpAdvertisementFrame.Length(vips.Length), length);
        Assert.Equal(Convert.ToHexStringLower(expected), Convert.ToHexStringLower(frame.AsSpan(0, length)));
        Assert.All(frame[length..], b => Assert.Equal(0xAA, b));
    }

    [Fact]
    public void GratuitousArpWriterMakesKeepalivedsFrameByteForByte()
    {
        byte[] frame = new byte[64];

        int length = GratuitousArp.Write(frame, VrrpAdvertisement.VirtualRouterMac(51), Ipv4Address.Parse("10.250.0.100"));

        Assert.Equal(GratuitousArp.FrameLength, length);
        Assert.Equal(KeepalivedFrames.Vrid51GratuitousArp, Convert.ToHexStringLower(frame.AsSpan(0, length)));
        Assert.True(ArpPacket.TryRead(frame.AsSpan(EthernetFrame.HeaderLength, ArpPacket.Length), out ArpPacket arp, out _));
        Assert.True(arp.IsGratuitous);
    }

    [Fact]
    public void WrittenFrameReadsBackAtTheLimits()
    {
        var addresses = new Ipv4Address[VrrpAdvertisement.MaxAddressCount];
        for (int i = 0; i < addresses.Length; i++)
        {
            addresses[i] = new Ipv4Address(10, 250, 1, (byte)i);
        }

        byte[] frame = new byte[VrrpAdvertisementFrame.Length(addresses.Length)];
        VrrpAdvertisementFrame.Write(frame, 255, 255, VrrpAdvertisement.MaxInterval, addresses, Ipv4Address.Parse("10.250.0.2"), 0xFFFF);

        Assert.True(VrrpAdvertisement.TryRead(frame.AsSpan(EthernetFrame.HeaderLength), out Ipv4Packet ip, out VrrpAdvertisement advert, out _));
        Assert.True(ip.IsHeaderChecksumValid);
        Assert.Equal(255, advert.VirtualRouterId);
        Assert.Equal(255, advert.Priority);
        Assert.Equal(255, advert.AddressCount);
        Assert.Equal(4095, advert.MaxAdvertisementInterval);
        Assert.Equal(new Ipv4Address(10, 250, 1, 254), advert.GetAddress(254));
        Assert.Equal(MacAddress.Parse("00:00:5e:00:01:ff"), new EthernetFrame(frame).Source);
    }

    [Fact]
    public void WrittenFrameWithNoAddressReadsBack()
    {
        byte[] frame = new byte[VrrpAdvertisementFrame.Length(0)];
        VrrpAdvertisementFrame.Write(frame, 1, 100, 1, [], Ipv4Address.Parse("10.250.0.2"), 1);

        Assert.True(VrrpAdvertisement.TryRead(frame.AsSpan(EthernetFrame.HeaderLength), out _, out VrrpAdvertisement advert, out _));
        Assert.Equal(0, advert.AddressCount);
        Assert.Equal(42, frame.Length);
    }

    [Fact]
    public void WriterRejectsWhatTheWireCannotCarry()
    {
        byte[] frame = new byte[64];
        Ipv4Address source = Ipv4Address.Parse("10.250.0.2");
        Assert.Throws<ArgumentOutOfRangeException>(() => VrrpAdvertisementFrame.Write(frame, 0, 100, 100, [], source, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => VrrpAdvertisementFrame.Write(frame, 1, 100, 0, [], source, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => VrrpAdvertisementFrame.Write(frame, 1, 100, 4096, [], source, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => VrrpAdvertisementFrame.Write(new byte[2000], 1, 100, 100, new Ipv4Address[256], source, 1));
        Assert.Throws<ArgumentException>(() => VrrpAdvertisementFrame.Write(new byte[45], 1, 100, 100, [source], source, 1));
        Assert.Throws<ArgumentException>(() => GratuitousArp.Write(new byte[41], MacAddress.Zero, source));
    }

    [Fact]
    public void VirtualRouterMacCarriesTheVrid()
    {
        Assert.Equal(MacAddress.Parse("00:00:5e:00:01:33"), VrrpAdvertisement.VirtualRouterMac(51));
        Assert.Equal(MacAddress.Parse("01:00:5e:00:00:12"), VrrpAdvertisement.MulticastMac);
        Assert.Equal(Ipv4Address.Parse("224.0.0.18"), VrrpAdvertisement.MulticastGroup);
    }
}
