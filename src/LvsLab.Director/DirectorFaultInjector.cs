using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>What the <see cref="DirectorFaults"/> do to a packet the engine has just written.</summary>
internal static class DirectorFaultInjector
{
    /// <summary>The DR faults, applied to the forwarded packet.</summary>
    public static void AfterDirectRouting(DirectorFaults faults, Ipv4Packet ip, Ipv4Address directorAddress)
    {
        if ((faults & DirectorFaults.Ttl) != 0)
        {
            DecrementTtl(ip);
        }

        if ((faults & DirectorFaults.SourceNat) != 0)
        {
            ChangeSource(ip, directorAddress);
        }
    }

    /// <summary>The TUN faults, applied to the inner packet once wrapped (the outer header's checksum does not cover it).</summary>
    public static void AfterTunnel(DirectorFaults faults, Ipv4Packet inner, Ipv4Address directorAddress) =>
        AfterDirectRouting(faults, inner, directorAddress);

    // TTL − 1 with the header checksum kept right: a router's hop where LVS-DR and LVS-TUN make none.
    private static void DecrementTtl(Ipv4Packet ip)
    {
        ip.TimeToLive--;
        ip.UpdateHeaderChecksum();
    }

    // The source address becomes the director's (same port, same TTL), checksums kept right.
    private static void ChangeSource(Ipv4Packet ip, Ipv4Address directorAddress)
    {
        ushort port = (ushort)((ip.Payload[0] << 8) | ip.Payload[1]);
        NatRewriter.RewriteSource(ip, directorAddress, port);
        ip.TimeToLive++;
        ip.UpdateHeaderChecksum();
    }

    /// <summary>The NAT request faults, applied to <paramref name="rewritten"/> (the copy already rewritten from <paramref name="original"/>).</summary>
    public static void AfterNatRequest(DirectorFaults faults, Ipv4Packet original, Ipv4Packet rewritten, Ipv4Address directorAddress)
    {
        if ((faults & DirectorFaults.SourceNat) != 0)
        {
            ChangeSource(rewritten, directorAddress);
        }

        if ((faults & DirectorFaults.NatChecksum) != 0)
        {
            // The checksums of the packet as it came in, no longer right for the rewritten one.
            rewritten.HeaderChecksum = original.HeaderChecksum;
            int offset = original.Protocol == IpProtocol.Tcp ? 16 : 6;
            if (original.Payload.Length >= offset + 2)
            {
                original.Payload.Slice(offset, 2).CopyTo(rewritten.Payload.Slice(offset, 2));
            }
        }
    }

    /// <summary>The DR faults over IPv6: a hop limit one lower (the IPv6 header has no checksum to keep right).</summary>
    public static void AfterDirectRouting(DirectorFaults faults, Ipv6Packet ip)
    {
        if ((faults & DirectorFaults.Ttl) != 0)
        {
            ip.DecrementHopLimit();
        }
    }

    /// <summary>The NAT faults over IPv6: the transport checksum of the packet as it came in, no longer right for the rewritten one.</summary>
    public static void AfterNatRequest(DirectorFaults faults, Ipv6Packet original, Ipv6Packet rewritten, int transportOffset, byte protocol)
    {
        if ((faults & DirectorFaults.NatChecksum) != 0)
        {
            int offset = transportOffset + (protocol == IpProtocol.Tcp ? 16 : 6);
            if (original.Buffer.Length >= offset + 2)
            {
                original.Buffer.Slice(offset, 2).CopyTo(rewritten.Buffer.Slice(offset, 2));
            }
        }
    }
}
