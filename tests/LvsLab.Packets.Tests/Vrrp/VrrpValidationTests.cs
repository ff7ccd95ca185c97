using LvsLab.Packets.Vrrp;
using Xunit;

namespace LvsLab.Packets.Tests.Vrrp;

/// <summary>
/// Every reason <see cref="VrrpAdvertisement.TryRead"/> gives is reached by a mutation of a real
/// keepalived frame; random mutations never make it throw.
/// </summary>
public class VrrpValidationTests
{
    private const int Ip = EthernetFrame.HeaderLength;
    private const int Vrrp = Ip + Ipv4Packet.MinHeaderLength;

    public static TheoryData<string, VrrpError> Mutations() => new()
    {
        { "ip shorter than a header", VrrpError.Truncated },
        { "ip cut before its total length", VrrpError.Truncated },
        { "total length leaves 7 bytes of vrrp", VrrpError.Truncated },
        { "ip version 6", VrrpError.BadIpv4Header },
        { "ihl 4", VrrpError.BadIpv4Header },
        { "ip header checksum wrong", VrrpError.BadIpv4Header },
        { "more fragments", VrrpError.BadIpv4Header },
        { "protocol udp", VrrpError.NotVrrp },
        { "ttl 254", VrrpError.BadTimeToLive },
        { "ttl 1", VrrpError.BadTimeToLive },
        { "vrrp version 2", VrrpError.BadVersion },
        { "vrrp type 2", VrrpError.BadType },
        { "count one more than carried", VrrpError.AddressCountMismatch },
        { "count one less than carried", VrrpError.AddressCountMismatch },
        { "four bytes more in the total length", VrrpError.AddressCountMismatch },
        { "interval 0", VrrpError.ZeroInterval },
        { "address changed", VrrpError.BadChecksum },
        { "checksum changed", VrrpError.BadChecksum },
        { "checksum over the message alone (v2 style)", VrrpError.BadChecksum },
        { "priority changed", VrrpError.BadChecksum },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void MutatedFrameIsRejectedWithItsReason(string mutation, VrrpError expected)
    {
        byte[] frame = Mutate(KeepalivedFrames.Bytes(KeepalivedFrames.Vrid7Priority200), mutation, out int length);

        Assert.False(VrrpAdvertisement.TryRead(frame.AsSpan(Ip, length - Ip), out _, out _, out VrrpError error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void EveryReasonIsCoveredByAMutation()
    {
        var covered = new HashSet<VrrpError>();
        foreach (var row in Mutations())
        {
            covered.Add((VrrpError)row[1]);
        }

        covered.Add(VrrpError.None);
        Assert.Equal(Enum.GetValues<VrrpError>().Order(), covered.Order());
    }

    [Fact]
    public void EthernetPaddingAfterTheTotalLengthIsAccepted()
    {
        byte[] frame = new byte[60];
        KeepalivedFrames.Bytes(KeepalivedFrames.Vrid51Priority100).CopyTo(frame, 0);

        Assert.True(VrrpAdvertisement.TryRead(frame.AsSpan(Ip), out Ipv4Packet ip, out VrrpAdvertisement advert, out VrrpError error), error.ToString());
        Assert.Equal(32, ip.Buffer.Length);
        Assert.Equal(12, advert.Buffer.Length);
    }

    [Fact]
    public void ReservedBitsAreIgnoredOnReceipt()
    {
        byte[] frame = KeepalivedFrames.Bytes(KeepalivedFrames.Vrid51Priority100);
        frame[Vrrp + 4] |= 0xF0;
        var advert = new VrrpAdvertisement(frame.AsSpan(Vrrp));
        advert.UpdateChecksum(Ipv4Address.Parse("10.250.0.1"), VrrpAdvertisement.MulticastGroup);

        Assert.True(VrrpAdvertisement.TryRead(frame.AsSpan(Ip), out _, out advert, out VrrpError error), error.ToString());
        Assert.Equal(0xF, advert.Reserved);
        Assert.Equal(100, advert.MaxAdvertisementInterval);

        advert.MaxAdvertisementInterval = 300;
        Assert.Equal(0xF, advert.Reserved);
        Assert.Equal(300, advert.MaxAdvertisementInterval);
    }

    [Fact]
    public void RandomMutationsNeverThrow()
    {
        // 100,000 mutations of valid frames: a few random bytes changed (sometimes with the IPv4
        // and VRRP checksums then made right, so the checks after them are reached), sometimes
        // cut short or padded. TryRead must answer every one without throwing, and whatever it
        // accepts must be a consistent advertisement.
        var random = new Random(5798);
        string[] seeds =
        [
            KeepalivedFrames.Vrid7Priority200, KeepalivedFrames.Vrid51Priority100,
            KeepalivedFrames.Vrid200Priority1, KeepalivedFrames.Vrid51PriorityZero,
        ];
        byte[][] originals = Array.ConvertAll(seeds, KeepalivedFrames.Bytes);
        byte[] buffer = new byte[128];
        var seen = new Dictionary<VrrpError, int>();
        for (int round = 0; round < 100_000; round++)
        {
            byte[] original = originals[random.Next(originals.Length)];
            Array.Clear(buffer);
            original.CopyTo(buffer, 0);
            int length = original.Length;
            int changes = random.Next(1, 5);
            for (int i = 0; i < changes; i++)
            {
                // Mostly the headers, where the checks are.
                int at = random.Next(3) == 0 ? random.Next(length) : Ip + random.Next(Vrrp + VrrpAdvertisement.HeaderLength - Ip);
                buffer[at] = random.Next(4) == 0 ? (byte)(buffer[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
            }

            switch (random.Next(6))
            {
                case 0:
                    length = random.Next(0, length + 1);
                    break;
                case 1:
                    length = random.Next(length, buffer.Length + 1);
                    break;
                case 2:
                case 3:
                    FixChecksums(buffer, length);
                    break;
            }

            bool valid = false;
            VrrpError error = VrrpError.None;
            Exception? thrown = Record.Exception(() => valid = VrrpAdvertisement.TryRead(buffer.AsSpan(Ip, Math.Max(0, length - Ip)), out _, out _, out error));
            Assert.Null(thrown);
            seen[error] = seen.GetValueOrDefault(error) + 1;
            if (valid)
            {
                Assert.True(VrrpAdvertisement.TryRead(buffer.AsSpan(Ip, length - Ip), out Ipv4Packet ip, out VrrpAdvertisement advert, out _));
                Assert.Equal(VrrpAdvertisement.MessageLength(advert.AddressCount), advert.Buffer.Length);
                Assert.Equal(255, ip.TimeToLive);
                Assert.Equal(3, advert.Version);
                Assert.NotEqual(0, advert.MaxAdvertisementInterval);
                Assert.True(advert.IsChecksumValid(ip.Source, ip.Destination));
                for (int i = 0; i < advert.AddressCount; i++)
                {
                    _ = advert.GetAddress(i);
                }
            }
        }

        // The mutations reach every check, not just the first ones.
        Assert.Equal(Enum.GetValues<VrrpError>().Order(), seen.Keys.Order());
    }

    [Fact]
    public void ParseAndWriteAllocateNothing()
    {
        byte[] frame = KeepalivedFrames.Bytes(KeepalivedFrames.Vrid7Priority200);
        byte[] output = new byte[128];
        Ipv4Address[] addresses = [Ipv4Address.Parse("10.250.0.107"), Ipv4Address.Parse("10.250.0.108"), Ipv4Address.Parse("10.250.0.109")];
        Ipv4Address source = Ipv4Address.Parse("10.250.0.1");
        Run(1);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = Run(10_000);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, sum);

        long Run(int rounds)
        {
            long total = 0;
            for (int i = 0; i < rounds; i++)
            {
                if (VrrpAdvertisement.TryRead(frame.AsSpan(Ip), out Ipv4Packet ip, out VrrpAdvertisement advert, out _))
                {
                    total += advert.Priority + advert.GetAddress(2).Value + ip.Source.Value;
                }

                total += VrrpAdvertisementFrame.Write(output, 7, (byte)i, 50, addresses, source, (ushort)i);
                total += GratuitousArp.Write(output, VrrpAdvertisement.VirtualRouterMac(7), addresses[0]);
            }

            return total;
        }
    }

    private static byte[] Mutate(byte[] frame, string mutation, out int length)
    {
        length = frame.Length;
        var ip = new Ipv4Packet(frame.AsSpan(Ip));
        var advert = new VrrpAdvertisement(frame.AsSpan(Vrrp));
        switch (mutation)
        {
            case "ip shorter than a header":
                length = Ip + 19;
                break;
            case "ip cut before its total length":
                length = frame.Length - 1;
                break;
            case "total length leaves 7 bytes of vrrp":
                ip.TotalLength = Ipv4Packet.MinHeaderLength + 7;
                ip.UpdateHeaderChecksum();
                break;
            case "ip version 6":
                ip.Version = 6;
                ip.UpdateHeaderChecksum();
                break;
            case "ihl 4":
                ip.Ihl = 4;
                break;
            case "ip header checksum wrong":
                ip.HeaderChecksum ^= 0x0100;
                break;
            case "more fragments":
                ip.MoreFragments = true;
                ip.UpdateHeaderChecksum();
                break;
            case "protocol udp":
                ip.Protocol = IpProtocol.Udp;
                ip.UpdateHeaderChecksum();
                break;
            case "ttl 254":
                ip.TimeToLive = 254;
                ip.UpdateHeaderChecksum();
                break;
            case "ttl 1":
                ip.TimeToLive = 1;
                ip.UpdateHeaderChecksum();
                break;
            case "vrrp version 2":
                advert.Version = 2;
                break;
            case "vrrp type 2":
                advert.Type = 2;
                break;
            case "count one more than carried":
                advert.AddressCount++;
                break;
            case "count one less than carried":
                advert.AddressCount--;
                break;
            case "four bytes more in the total length":
                byte[] longer = new byte[frame.Length + 4];
                frame.CopyTo(longer, 0);
                var longerIp = new Ipv4Packet(longer.AsSpan(Ip));
                longerIp.TotalLength += 4;
                longerIp.UpdateHeaderChecksum();
                length = longer.Length;
                return longer;
            case "interval 0":
                advert.MaxAdvertisementInterval = 0;
                advert.UpdateChecksum(ip.Source, ip.Destination);
                break;
            case "address changed":
                advert.SetAddress(1, Ipv4Address.Parse("10.250.0.200"));
                break;
            case "checksum changed":
                advert.Checksum++;
                break;
            case "checksum over the message alone (v2 style)":
                advert.Checksum = 0;
                advert.Checksum = Checksum.Compute(advert.Buffer);
                break;
            case "priority changed":
                advert.Priority = 100;
                break;
            default:
                throw new ArgumentException(mutation, nameof(mutation));
        }

        return frame;
    }

    private static void FixChecksums(byte[] buffer, int length)
    {
        Span<byte> packet = buffer.AsSpan(Ip, length - Ip);
        if (Ipv4Packet.TryRead(packet, out Ipv4Packet ip, out _))
        {
            ip.UpdateHeaderChecksum();
            if (ip.Payload.Length >= VrrpAdvertisement.HeaderLength)
            {
                new VrrpAdvertisement(ip.Payload).UpdateChecksum(ip.Source, ip.Destination);
            }
        }
    }
}
