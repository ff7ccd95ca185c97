using LvsLab.Director.Framing;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Arp;

/// <summary>
/// ARP: answers requests for the VIPs on the interface that owns each, and learns neighbours'
/// MACs from what it hears.
/// </summary>
internal sealed class ArpResponder(EngineContext context)
{
    /// <summary>An ARP frame addressed to us or broadcast: learn from it, and answer it when it asks for a VIP.</summary>
    public Decision Decide(int ingress, Span<byte> input, Span<byte> output, CompiledRules rules)
    {
        if (!ArpPacket.TryRead(input[EthernetFrame.HeaderLength..], out ArpPacket arp, out PacketError error))
        {
            return error == PacketError.Truncated ? Decision.Drop(DropReason.TruncatedArp) : Decision.Ignore;
        }

        ArpOperation operation = arp.Operation;
        MacAddress askerMac = arp.SenderHardwareAddress;
        Ipv4Address askerIp = arp.SenderProtocolAddress;
        Ipv4Address target = arp.TargetProtocolAddress;
        bool targetIsVip = rules.TryGetVip(target, out int answering);
        bool answered = targetIsVip || (context.Interfaces.TryGetFloating(target, out answering) && answering >= 0);
        bool askerIsOwnOrVirtual = rules.IsOwnOrVirtual(askerIp);
        LearnNeighbour(operation, askerMac, askerIp, askerIsOwnOrVirtual, targetIsVip, rules);
        if (operation != ArpOperation.Request || !answered || answering == CompiledRules.NeverAnswer || context.Standby || (context.Faults & DirectorFaults.ArpSilent) != 0)
        {
            // Not a question about a VIP (or a floating address); our interfaces' own addresses are
            // the kernel's to answer; a standby director leaves the VIPs to the master.
            return Decision.Ignore;
        }

        if (askerMac.IsMulticast || askerIsOwnOrVirtual)
        {
            // A nonsensical asker, or someone else announcing the VIP (or our address): do not answer.
            return Decision.Ignore;
        }

        if (answering != CompiledRules.AnyInterface && answering != ingress)
        {
            // The VIP lives on another interface's subnet: only that interface answers for it.
            return Decision.Ignore;
        }

        int length = FrameWriter.WriteArp(output, context.Interfaces[ingress].Mac, ArpOperation.Reply, askerMac, target, askerMac, askerIp);
        return Decision.ArpReply(length, ingress);
    }

    /// <summary>Someone else's unicast ARP: still worth learning from, never answered.</summary>
    public void LearnFromForeign(ReadOnlySpan<byte> payload, CompiledRules rules)
    {
        if (payload.Length < ArpPacket.Length
            || payload[0] != 0 || payload[1] != ArpPacket.HardwareTypeEthernet
            || payload[2] != 0x08 || payload[3] != 0x00
            || payload[4] != MacAddress.Length || payload[5] != Ipv4Address.Length)
        {
            return;
        }

        ushort operation = (ushort)((payload[6] << 8) | payload[7]);
        var senderIp = Ipv4Address.ReadFrom(payload[14..]);
        LearnNeighbour(
            (ArpOperation)operation,
            MacAddress.ReadFrom(payload[8..]),
            senderIp,
            rules.IsOwnOrVirtual(senderIp),
            rules.IsVip(Ipv4Address.ReadFrom(payload[24..])),
            rules);
    }

    // Learned: real servers and gateways (the next hops the director is configured to use),
    // neighbours already in the table (their MAC may change), addresses the director asked for
    // (the answer to its own request), and whoever asks for a VIP (a client or router that
    // will need the replies of a NAT connection). The table is bounded
    // (NeighbourTable.Capacity). Requests (including gratuitous ARP) and replies both tell the
    // sender's current MAC.
    private void LearnNeighbour(ArpOperation operation, MacAddress senderMac, Ipv4Address senderIp, bool senderIsOwnOrVirtual, bool targetIsVip, CompiledRules rules)
    {
        if (operation is not (ArpOperation.Request or ArpOperation.Reply)
            || senderIsOwnOrVirtual
            || senderMac.IsMulticast
            || senderMac == MacAddress.Zero
            || senderIp == Ipv4Address.Any
            || context.Interfaces.IsOwnMac(senderMac))
        {
            return;
        }

        if ((operation == ArpOperation.Request && targetIsVip)
            || rules.IsKnownNeighbour(senderIp)
            || context.Neighbours.Contains(senderIp)
            || (operation == ArpOperation.Reply && context.Neighbours.WasRequested(senderIp)))
        {
            context.Neighbours.Set(senderIp, senderMac);
        }
    }
}
