using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Ndp;

/// <summary>
/// Neighbour Discovery (RFC 4861) for the IPv6 VIPs, as <see cref="Arp.ArpResponder"/> is ARP for
/// the IPv4 ones: a valid neighbour solicitation for a VIP6 is answered with a solicited
/// advertisement from the interface that holds the VIP's subnet (any interface when none does),
/// unless the director stands by; the solicitor's MAC (its source link-layer address option) and
/// the MACs in advertisements are learned by the rules <see cref="Arp.ArpResponder"/> follows
/// (real servers, gateways, known neighbours, answers to the director's own solicitations, and
/// whoever asks for a VIP). Solicitations for the director's own addresses are the kernel's to
/// answer, and a solicitation from the unspecified address (someone's duplicate address detection
/// of the VIP) is never answered: answering it would tell a host its address is taken.
/// </summary>
internal sealed class NeighbourAdvertiser(EngineContext context)
{
    public Decision Decide(int ingress, Span<byte> input, Ipv6Packet ip, Span<byte> output, CompiledRules rules)
    {
        byte type = ip.Payload[0];
        if (type == Icmpv6Message.TypeNeighbourAdvertisement)
        {
            if (NeighbourAdvertisement.TryRead(ip, out NeighbourAdvertisement advertisement, out _)
                && advertisement.TryGetTargetLinkLayerAddress(out MacAddress mac))
            {
                Learn(advertisement.Target, mac, askedForVip: false, advertised: true, rules);
            }

            // The kernel keeps its own neighbour cache from the same frame.
            return Decision.Ignore;
        }

        if (!NeighbourSolicitation.TryRead(ip, out NeighbourSolicitation solicitation, out _))
        {
            return Decision.Ignore;
        }

        Ipv6Address target = solicitation.Target;
        Ipv6Address asker = ip.Source;
        MacAddress askerMac = solicitation.TryGetSourceLinkLayerAddress(out MacAddress option) ? option : new EthernetFrame(input).Source;
        bool targetIsVip = rules.TryGetVip(target, out int answering);
        if (!asker.IsUnspecified)
        {
            Learn(asker, askerMac, targetIsVip, advertised: false, rules);
        }

        if (!targetIsVip
            || answering == CompiledRules.NeverAnswer
            || context.Standby
            || (context.Faults & DirectorFaults.ArpSilent) != 0
            || asker.IsUnspecified
            || askerMac.IsMulticast
            || rules.IsOwnOrVirtual(asker)
            || (answering != CompiledRules.AnyInterface && answering != ingress))
        {
            return Decision.Ignore;
        }

        if (output.Length < NeighbourAdvertisement.FrameLength)
        {
            return Decision.Drop(DropReason.OutputTooSmall);
        }

        int length = NeighbourAdvertisement.WriteSolicitedFrame(output, context.Interfaces[ingress].Mac, target, askerMac, asker);
        return Decision.ArpReply(length, ingress);
    }

    private void Learn(Ipv6Address address, MacAddress mac, bool askedForVip, bool advertised, CompiledRules rules)
    {
        if (mac.IsMulticast || mac == MacAddress.Zero || context.Interfaces.IsOwnMac(mac) || rules.IsOwnOrVirtual(address) || address.IsMulticast)
        {
            return;
        }

        if (askedForVip
            || rules.IsKnownNeighbour(address)
            || context.Neighbours.Contains(address)
            || (advertised && context.Neighbours.WasRequested(address)))
        {
            context.Neighbours.Set(address, mac);
        }
    }
}
