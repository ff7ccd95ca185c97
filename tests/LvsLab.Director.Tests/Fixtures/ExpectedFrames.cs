using System.Net;
using LvsLab.Packets;
using LvsLab.Testing.Expectations;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// The frames the frame cases expect, as packet expectations: the rewrite models of the testing
/// library for frames the director forwards, and templates from exact bytes (built with
/// PacketDotNet, independently of the engine) for frames it writes itself.
/// </summary>
internal static class ExpectedFrames
{
    /// <summary>
    /// DR (<see cref="DirectRoutingRewrite"/>): <paramref name="input"/> with only the MACs
    /// changed, the IP packet byte for byte (TTL and checksum unchanged). Nothing is masked.
    /// </summary>
    public static PacketTemplate DirectRouted(byte[] input, MacAddress directorMac, MacAddress realServerMac, string realServer) =>
        new DirectRoutingRewrite(directorMac.ToString(), realServerMac.ToString(), realServer).Expect(input);

    /// <summary>
    /// NAT, request direction (<see cref="NatRequestRewrite"/>): destination VIP:VPORT becomes
    /// RIP:RPORT, TTL − 1, from the director's MAC to the real server's. Nothing is masked.
    /// </summary>
    public static PacketTemplate NatRequest(byte[] input, Ipv4Address rip, ushort ripPort, MacAddress directorMac, MacAddress ripMac) =>
        ChecksumsValid(new NatRequestRewrite(new IPEndPoint(Frames.Address(rip), ripPort), directorMac.ToString(), ripMac.ToString()).Expect(input));

    /// <summary>
    /// NAT, reply direction (<see cref="NatReplyRewrite"/>): source RIP:RPORT becomes VIP:VPORT,
    /// TTL − 1, from the director's MAC to the next hop towards the client. Nothing is masked.
    /// </summary>
    public static PacketTemplate NatReply(byte[] input, Ipv4Address vip, ushort vipPort, MacAddress directorMac, MacAddress nextHopMac) =>
        ChecksumsValid(new NatReplyRewrite(new IPEndPoint(Frames.Address(vip), vipPort), directorMac.ToString(), nextHopMac.ToString()).Expect(input));

    /// <summary>
    /// TUN (<see cref="TunnelRewrite"/>): the received IP packet unchanged behind an outer header
    /// DIP → RIP with protocol 4, from the DIP's MAC to the next hop. The model masks the outer
    /// identification, TTL, DF and ECN (each a sender's choice) and the checksum that covers them,
    /// which it requires valid instead.
    /// </summary>
    public static PacketTemplate Tunnelled(byte[] input, Ipv4Address dip, Ipv4Address rip, MacAddress dipMac, MacAddress nextHopMac) =>
        new TunnelRewrite(Frames.Address(dip), Frames.Address(rip), dipMac.ToString(), nextHopMac.ToString()).Expect(input);

    /// <summary>
    /// A frame the engine writes itself whose every byte is determined: every bit compared. For
    /// ARP (RFC 826): the addresses come from the lab, and a request's target hardware address
    /// is zero, as Linux sends it.
    /// </summary>
    public static PacketTemplate Exact(byte[] frame, string description) => PacketTemplate.FromFrame(frame, description);

    /// <summary>The ARP reply a port sends for <paramref name="address"/> to the host that asked.</summary>
    public static PacketTemplate ArpReply(MacAddress portMac, Ipv4Address address, MacAddress askerMac, Ipv4Address askerIp, string port) =>
        Exact(Frames.ArpReply(portMac, address, askerMac, askerIp), $"ARP reply: {address} is at {port}'s MAC");

    /// <summary>The broadcast ARP request a port sends for <paramref name="target"/>, from its own addresses.</summary>
    public static PacketTemplate ArpRequest(MacAddress portMac, Ipv4Address portIp, Ipv4Address target, string whom) =>
        Exact(
            Frames.Arp(ArpOperation.Request, portMac, portIp, MacAddress.Zero, target, MacAddress.Broadcast),
            $"ARP request: who has {target} ({whom}), tell {portIp}");

    // The NAT models compare the checksums with the right values already; requiring them valid
    // too names a wrong one in the evidence as such ("… is right for the header seen"), the check
    // the cases made with PacketDotNet before.
    private static PacketTemplate ChecksumsValid(PacketTemplate template) =>
        template.RequireValidChecksum(PacketField.IpChecksum).RequireValidChecksum(PacketField.TransportChecksum);
}
