using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// IP tunnelling (LVS-TUN): the director sends the received IP packet unchanged (TTL and
/// checksum as received) inside a new outer IPv4 header (RFC 2003): version 4, IHL 5, protocol 4
/// (IP-in-IP), source the director's address, destination the real server's, total length the
/// inner length + 20, not a fragment (MF 0, offset 0), DSCP copied from the inner header; in a
/// frame from the director's MAC to the next hop.
/// </summary>
/// <remarks>
/// Masked in the outer header, because they legitimately vary between correct directors:
/// <list type="bullet">
/// <item>identification: each sender numbers its own packets (kernel counter, 0, random);</item>
/// <item>TTL: a sender's policy (IPVS copies the inner TTL, others use 64);</item>
/// <item>DF bit: a path-MTU policy (copied from the inner packet or always set);</item>
/// <item>ECN bits: RFC 6040 lets the encapsulator copy them or clear them;</item>
/// <item>header checksum: it covers the masked fields, so its value cannot be predicted;
/// instead the template requires the seen outer checksum to be correct for the header seen.</item>
/// </list>
/// </remarks>
/// <param name="directorAddress">The outer source: the director's address.</param>
/// <param name="realServerAddress">The outer destination: the real server's address.</param>
/// <param name="directorMac">The director's MAC.</param>
/// <param name="nextHopMac">The next hop's MAC (a router, or the real server on the same network).</param>
/// <param name="realServer">The real server's name for evidence (default: its address).</param>
public sealed class TunnelRewrite(IPAddress directorAddress, IPAddress realServerAddress, string directorMac, string nextHopMac, string? realServer = null) : IRewriteModel
{
    private const int OuterHeaderLength = 20;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const byte DefaultTtl = 64;

    /// <inheritdoc/>
    public string Method => "TUN";

    /// <summary>The outer source address.</summary>
    public IPAddress DirectorAddress { get; } = directorAddress;

    /// <summary>The outer destination address.</summary>
    public IPAddress RealServerAddress { get; } = realServerAddress;

    /// <summary>The director's MAC.</summary>
    public string DirectorMac { get; } = directorMac;

    /// <summary>The next hop's MAC.</summary>
    public string NextHopMac { get; } = nextHopMac;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The frame does not carry IPv4, or the addresses are not IPv4.</exception>
    public PacketTemplate Expect(ReadOnlySpan<byte> inbound)
    {
        string description = $"TUN frame to {realServer ?? RealServerAddress.ToString()}";
        var layout = FrameLayout.Of(inbound);
        if (layout.IpOffset < 0)
        {
            throw new ArgumentException($"{description}: the inbound frame carries no IPv4 packet.", nameof(inbound));
        }

        if (DirectorAddress.AddressFamily != AddressFamily.InterNetwork || RealServerAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{description}: tunnel endpoints must be IPv4.", nameof(inbound));
        }

        var inner = inbound[layout.IpOffset..layout.Length];
        if (inner.Length + OuterHeaderLength > ushort.MaxValue)
        {
            throw new ArgumentException($"{description}: the inner packet is too long to wrap.", nameof(inbound));
        }

        var frame = new byte[FrameLayout.EthernetHeaderLength + OuterHeaderLength + inner.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EtherTypeIpv4);
        var outer = frame.AsSpan(FrameLayout.EthernetHeaderLength, OuterHeaderLength);
        outer[0] = 0x45;
        outer[1] = inner[1];
        BinaryPrimitives.WriteUInt16BigEndian(outer[2..], (ushort)(OuterHeaderLength + inner.Length));
        outer[8] = DefaultTtl;
        outer[9] = FrameLayout.IpInIp;
        DirectorAddress.GetAddressBytes().CopyTo(outer[12..]);
        RealServerAddress.GetAddressBytes().CopyTo(outer[16..]);
        inner.CopyTo(frame.AsSpan(FrameLayout.EthernetHeaderLength + OuterHeaderLength));

        return PacketTemplate.FromFrame(frame, description)
            .WithMac(PacketField.SourceMac, DirectorMac)
            .WithMac(PacketField.DestinationMac, NextHopMac)
            .WithChecksumsRecomputed()
            .Ignore(PacketField.IpIdentification, PacketField.IpTtl, PacketField.IpDontFragment, PacketField.IpEcn, PacketField.IpChecksum)
            .RequireValidChecksum(PacketField.IpChecksum);
    }
}
