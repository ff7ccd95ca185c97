using System.Globalization;
using System.Net;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Testing.Capture;

namespace LvsLab.Testing.Flow;

/// <summary>
/// Follows one request (and its reply) across the captures of several links of a lab, hop by
/// hop, recognising the packet after each rewrite: a router's or DR director's new MACs, NAT's
/// new destination (or source, on the way back) and TTL (IPv6: hop limit), TUN's wrapping
/// (IP-in-IP; IPv6-in-IPv6 or IPv4-in-IPv6 to an IPv6 real server). IPv4 and IPv6 alike. Pure:
/// works on frames already captured.
/// </summary>
/// <remarks>
/// Taps capture on the host side of a node's veth, so a link is named <c>node:network</c> (or
/// <c>node</c> for a node with one interface), and one frame between two tapped nodes is seen
/// twice: it counts as one hop, listing both taps. Nodes are found from MACs: the table given,
/// else what ARP senders show, and packets from or to a node's own IPv4 or IPv6 address on its
/// own network (IPv6 neighbour discovery among them), and the taps themselves (the MAC present
/// in most frames of a tap is its node's); a MAC no node owns is shown raw.
/// </remarks>
public sealed class FlowTracer
{
    /// <summary>How far apart two taps may time-stamp one frame.</summary>
    private static readonly TimeSpan SameFrameWindow = TimeSpan.FromMilliseconds(200);

    /// <summary>How far before the chosen frame its earlier hops are looked for.</summary>
    private static readonly TimeSpan EarlierHopWindow = TimeSpan.FromMilliseconds(500);

    private readonly LabTopology topology;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<CapturedFrame>> captures;
    private readonly Dictionary<string, string> macs = new(StringComparer.Ordinal);
    private readonly List<FlowObservation> observations = [];

    /// <summary>Reads the captures of a lab.</summary>
    /// <param name="topology">The lab's topology (nodes, roles, networks, addresses).</param>
    /// <param name="captures">Frames per tap link: <c>client</c>, <c>director:front</c>, <c>router:lan</c>, …</param>
    /// <param name="macs">MAC (<c>aa:bb:cc:dd:ee:ff</c>) → node name, as the running lab knows them (see <see cref="MacTable(IRunningLab)"/>); null to learn them from the captures.</param>
    public FlowTracer(LabTopology topology, IReadOnlyDictionary<string, IReadOnlyList<CapturedFrame>> captures, IReadOnlyDictionary<string, string>? macs = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(captures);
        this.topology = topology;
        this.captures = captures;
        foreach (var (mac, node) in macs ?? new Dictionary<string, string>())
        {
            this.macs.TryAdd(NormaliseMac(mac), node);
        }

        foreach (var link in captures.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var frame in captures[link])
            {
                if (FlowDecoder.TryDecode(frame.Data, out var decoded))
                {
                    observations.Add(new FlowObservation { Link = link, Captured = frame, Frame = decoded });
                }
            }
        }

        LearnMacs();
        foreach (var observation in observations)
        {
            observation.From = NodeOf(observation.Frame.SourceMac);
            observation.To = NodeOf(observation.Frame.DestinationMac);
            observation.Network = NetworkOf(observation);
        }

        // A stable sort: equal times keep the link order, then the capture order.
        var ordered = observations.OrderBy(o => o.Time).ToList();
        observations.Clear();
        observations.AddRange(ordered);
    }

    /// <summary>MAC → node name for every interface of a running lab.</summary>
    /// <param name="lab">The running lab.</param>
    /// <returns>The table, MACs in lower case.</returns>
    public static IReadOnlyDictionary<string, string> MacTable(IRunningLab lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        return MacTable(lab.Nodes);
    }

    /// <summary>MAC → node name for every interface of <paramref name="nodes"/>.</summary>
    /// <param name="nodes">Running nodes.</param>
    /// <returns>The table, MACs in lower case.</returns>
    public static IReadOnlyDictionary<string, string> MacTable(IEnumerable<RunningNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (var nic in node.Interfaces)
            {
                table.TryAdd(NormaliseMac(nic.Mac), node.Name);
            }
        }

        return table;
    }

    /// <summary>A tracer over a running lab's captures, with the lab's own MACs.</summary>
    /// <param name="lab">The running lab.</param>
    /// <param name="captures">Frames per tap link.</param>
    /// <returns>The tracer.</returns>
    public static FlowTracer For(IRunningLab lab, IReadOnlyDictionary<string, IReadOnlyList<CapturedFrame>> captures)
    {
        ArgumentNullException.ThrowIfNull(lab);
        return new FlowTracer(lab.Topology, captures, MacTable(lab));
    }

    /// <summary>Traces the first TCP SYN the client node sent (from its IPv4 or IPv6 address), and its reply.</summary>
    /// <returns>The flow.</returns>
    /// <exception cref="FlowTraceException">No such SYN in the captures.</exception>
    public PacketFlow Trace()
    {
        var clients = topology.NodesWith(NodeRole.Client).SelectMany(n => n.Interfaces.SelectMany(Addresses)).ToList();
        var wanted = clients.Count == 0
            ? "TCP SYN"
            : $"TCP SYN from the client ({string.Join(", ", clients)})";
        return Trace(o => o.Frame.Carried.IsSyn && (clients.Count == 0 || clients.Contains(o.Frame.Carried.Source)), wanted, withReply: true);
    }

    /// <summary>Traces the first packet of <paramref name="tuple"/> (and, if asked, its reply).</summary>
    /// <param name="tuple">The connection, as the client sent it.</param>
    /// <param name="withReply">Whether to trace the reply too.</param>
    /// <returns>The flow.</returns>
    /// <exception cref="FlowTraceException">No packet of the tuple in the captures.</exception>
    public PacketFlow Trace(FlowTuple tuple, bool withReply = true)
    {
        ArgumentNullException.ThrowIfNull(tuple);
        return Trace(o => tuple.Matches(o.Captured), $"packet {tuple}", withReply);
    }

    /// <summary>Traces the earliest frame matching <paramref name="request"/> (and, if asked, its reply).</summary>
    /// <param name="request">Picks the request.</param>
    /// <param name="withReply">Whether to trace the reply too.</param>
    /// <returns>The flow.</returns>
    /// <exception cref="FlowTraceException">No frame matches.</exception>
    public PacketFlow Trace(Func<CapturedFrame, bool> request, bool withReply = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Trace(o => request(o.Captured), "frame matching the request", withReply);
    }

    /// <summary>An interface's addresses: IPv4, then IPv6 when it has one.</summary>
    private static IPAddress[] Addresses(NodeInterface nic) =>
        nic.Address6 is { } address6 ? [nic.Address, address6] : [nic.Address];

    /// <summary><c>AA-BB-…</c> or <c>aa:bb:…</c> as <c>aa:bb:…</c>; anything else as given.</summary>
    private static string NormaliseMac(string mac)
    {
        var parts = mac.Split(':', '-');
        var bytes = new byte[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!byte.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return mac;
            }
        }

        return parts.Length == 6 ? FlowDecoder.Mac(bytes) : mac;
    }

    private static (FlowFields Changed, List<string> Changes) Diff(FlowSighting? previous, FlowSighting current)
    {
        var changed = FlowFields.None;
        var changes = new List<string>();
        if (previous is null)
        {
            return (changed, changes);
        }

        void Note(FlowFields field, bool differs, string text)
        {
            if (differs)
            {
                changed |= field;
                changes.Add(text);
            }
        }

        var (a, b) = (previous.Frame, current.Frame);
        var (p, c) = (a.Carried, b.Carried);
        var ttl = FlowWords.TimeToLive(c.IsIpv6);
        Note(FlowFields.SourceMac, a.SourceMac != b.SourceMac, "src MAC");
        Note(FlowFields.DestinationMac, a.DestinationMac != b.DestinationMac, "dst MAC");
        Note(FlowFields.SourceAddress, !p.Source.Equals(c.Source), $"src IP {p.Source}→{c.Source}");
        Note(FlowFields.DestinationAddress, !p.Destination.Equals(c.Destination), $"dst IP {p.Destination}→{c.Destination}");
        Note(FlowFields.SourcePort, p.SourcePort != c.SourcePort, string.Create(CultureInfo.InvariantCulture, $"src port {p.SourcePort}→{c.SourcePort}"));
        Note(FlowFields.DestinationPort, p.DestinationPort != c.DestinationPort, string.Create(CultureInfo.InvariantCulture, $"dst port {p.DestinationPort}→{c.DestinationPort}"));
        Note(FlowFields.TimeToLive, p.TimeToLive != c.TimeToLive, string.Create(CultureInfo.InvariantCulture, $"{ttl} {p.TimeToLive}→{c.TimeToLive}"));
        switch (a.Outer, b.Outer)
        {
            case (null, { } wrap):
                Note(FlowFields.Wrapped, true, $"wrapped in {FlowWords.Tunnel(wrap.IsIpv6, c.IsIpv6)} {wrap.Source}→{wrap.Destination}");
                break;
            case ({ }, null):
                Note(FlowFields.Unwrapped, true, "unwrapped");
                break;
            case ({ } x, { } y):
                Note(FlowFields.OuterSourceAddress, !x.Source.Equals(y.Source), $"outer src IP {x.Source}→{y.Source}");
                Note(FlowFields.OuterDestinationAddress, !x.Destination.Equals(y.Destination), $"outer dst IP {x.Destination}→{y.Destination}");
                Note(FlowFields.OuterTimeToLive, x.TimeToLive != y.TimeToLive, string.Create(CultureInfo.InvariantCulture, $"outer {FlowWords.TimeToLive(y.IsIpv6)} {x.TimeToLive}→{y.TimeToLive}"));
                break;
            default:
                break;
        }

        return (changed, changes);
    }

    private PacketFlow Trace(Func<FlowObservation, bool> pick, string wanted, bool withReply)
    {
        var start = observations.FirstOrDefault(pick)
            ?? throw new FlowTraceException($"no {wanted} in the captures of lab '{topology.Name}' ({Inventory()}); start the taps before the client connects, or pick another request");
        var request = Follow(start, FlowSignature.Request(start.Frame.Carried));
        var t0 = request[0].Time;
        var reply = withReply && FindReply(request) is { } replyStart
            ? Follow(replyStart, FlowSignature.Reply(replyStart.Frame.Carried))
            : [];

        var ipv6 = request[0].Frame.Carried.IsIpv6;
        var vip = ipv6 && topology.Vip6 is { } vip6 ? vip6 : topology.Vip;
        var directors = topology.NodesWith(NodeRole.Director).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var bypass = reply.Count > 0 && directors.Count > 0 && !reply.Any(s => directors.Contains(s.From) || directors.Contains(s.To));
        var requestHops = Hops(request, FlowDirection.Request, 1, t0, bypass);
        var replyHops = Hops(reply, FlowDirection.Reply, requestHops.Count + 1, t0, bypass);
        var client = topology.Nodes.FirstOrDefault(n => n.Interfaces.Any(i => Addresses(i).Contains(request[0].Frame.Carried.Source)))?.Name
            ?? request[0].Frame.Carried.Source.ToString();
        return new PacketFlow
        {
            Lab = topology.Name,
            Mode = topology.Mode,
            Vip = vip,
            Port = topology.Port,
            Client = client,
            Packet = request[0].Frame.Carried.ToHeader(),
            Request = requestHops,
            Reply = replyHops,
            ReplyPacket = reply.Count > 0 ? reply[0].Frame.Carried.ToHeader() : null,
            Nodes = Nodes([.. requestHops, .. replyHops], vip, ipv6),
            ReplyBypassesDirector = bypass,
            Summary = Summary(requestHops, replyHops, directors, withReply, bypass, client),
        };
    }

    private List<FlowSighting> Follow(FlowObservation start, FlowSignature signature)
    {
        var sightings = new List<FlowSighting>();
        FlowSighting? first = null;
        foreach (var observation in observations)
        {
            if (observation.Time < start.Time - EarlierHopWindow || !signature.Matches(observation.Frame.Carried))
            {
                continue;
            }

            var same = sightings.FirstOrDefault(s => s.SameFrame(observation, SameFrameWindow));
            if (same is null)
            {
                same = new FlowSighting(observation);
                sightings.Add(same);
            }
            else
            {
                same.Links.Add(observation.Link);
            }

            if (observation == start)
            {
                first = same;
            }
        }

        first ??= sightings.First(s => s.Time >= start.Time);
        return Chain(sightings, first);
    }

    /// <summary>
    /// Puts the sightings of one packet in path order from <paramref name="first"/>: each next hop
    /// leaves the node the previous one reached (else the earliest left); hops before
    /// <paramref name="first"/> are found backwards the same way. A hop seen again later is a
    /// retransmission: it and everything after it belong to the next copy.
    /// </summary>
    private static List<FlowSighting> Chain(List<FlowSighting> sightings, FlowSighting first)
    {
        var path = new List<FlowSighting> { first };
        var earlier = sightings.Where(s => s.Time < first.Time && first.Time - s.Time <= EarlierHopWindow).Reverse().ToList();
        while (earlier.FirstOrDefault(s => s.To == path[0].From && !path.Any(p => p.SameHop(s))) is { } before)
        {
            path.Insert(0, before);
            earlier.Remove(before);
        }

        var later = sightings.Where(s => s.Time >= first.Time && s != first).ToList();
        var again = later.FirstOrDefault(s => path.Any(p => p.SameHop(s)));
        var remaining = again is null ? later : later.Where(s => s.Time < again.Time).ToList();
        while (remaining.Count > 0)
        {
            var last = path[^1];
            var next = remaining.FirstOrDefault(s => s.From == last.To) ?? remaining[0];
            remaining.Remove(next);
            if (!path.Any(p => p.SameHop(next)))
            {
                path.Add(next);
            }
        }

        return path;
    }

    private FlowObservation? FindReply(List<FlowSighting> request)
    {
        var sent = request[0].Frame.Carried;
        var serverPorts = request.Select(s => s.Frame.Carried.DestinationPort).ToHashSet();
        var serverAddresses = request.Select(s => s.Frame.Carried.Destination).ToHashSet();
        var candidates = observations.Where(o =>
            o.Time >= request[0].Time
            && o.Frame.Carried is var p
            && p.Protocol == sent.Protocol
            && p.Destination.Equals(sent.Source)
            && p.DestinationPort == sent.SourcePort
            && (p.SourcePort is null ? serverAddresses.Contains(p.Source) : serverPorts.Contains(p.SourcePort)))
            .ToList();
        if (!sent.IsTcp)
        {
            return candidates.FirstOrDefault();
        }

        // The segment that acknowledges this one (SYN and FIN count one each).
        var advance = (uint)sent.Payload.Length
            + ((sent.TcpFlags & FlowDecoder.SynFlag) != 0 ? 1u : 0u)
            + ((sent.TcpFlags & FlowDecoder.FinFlag) != 0 ? 1u : 0u);
        return candidates.FirstOrDefault(o => (o.Frame.Carried.TcpFlags & FlowDecoder.AckFlag) != 0 && o.Frame.Carried.Acknowledgment == unchecked(sent.Sequence + advance))
            ?? candidates.FirstOrDefault();
    }

    private List<FlowHop> Hops(List<FlowSighting> path, FlowDirection direction, int firstNumber, DateTime t0, bool bypass)
    {
        var hops = new List<FlowHop>();
        for (var i = 0; i < path.Count; i++)
        {
            var previous = i > 0 ? path[i - 1] : null;
            var current = path[i];
            var (changed, changes) = Diff(previous, current);
            hops.Add(new FlowHop
            {
                Number = firstNumber + i,
                Direction = direction,
                Network = current.First.Network,
                Links = [.. current.Links],
                From = current.From,
                To = current.To,
                Offset = current.Time - t0,
                SourceMac = current.Frame.SourceMac,
                DestinationMac = current.Frame.DestinationMac,
                Packet = current.Frame.Carried.ToHeader(),
                Outer = current.Frame.Outer?.ToHeader(),
                Changed = changed,
                Changes = changes,
                Note = Note(previous, current, direction, changed, changes, bypass),
            });
        }

        return hops;
    }

    private string Note(FlowSighting? previous, FlowSighting current, FlowDirection direction, FlowFields changed, List<string> changes, bool bypass)
    {
        if (previous is null)
        {
            var sender = topology.Nodes.FirstOrDefault(n => n.Name == current.From);
            var source = current.Frame.Carried.Source;
            var fromVip = direction == FlowDirection.Reply && sender?.Role == NodeRole.RealServer && IsVip(source);
            return $"sent by {current.From}{(!fromVip ? string.Empty : source.Equals(topology.Vip) ? " from the VIP" : " from the VIP6")}{(direction == FlowDirection.Reply && bypass ? "; bypasses the director" : string.Empty)}";
        }

        var role = topology.Nodes.FirstOrDefault(n => n.Name == current.From)?.Role;
        var verb = role switch
        {
            NodeRole.Router => $"routed by {current.From}",
            NodeRole.Director => $"{topology.Mode.ToUpperInvariant()} at {current.From}",
            _ => $"forwarded by {current.From}",
        };
        if (previous.To != current.From)
        {
            verb = $"{verb} (not captured between {previous.To} and {current.From})";
        }

        var untouched = Untouched(changed, current.Frame.Outer is not null);
        return changes.Count == 0 ? $"{verb}: unchanged" : $"{verb}: {string.Join(", ", changes)}{(untouched is null ? string.Empty : $"; {untouched}")}";
    }

    private static string? Untouched(FlowFields changed, bool wrapped)
    {
        const FlowFields inner = FlowFields.SourceAddress | FlowFields.DestinationAddress | FlowFields.SourcePort | FlowFields.DestinationPort | FlowFields.TimeToLive | FlowFields.Unwrapped;
        return (changed & inner) != FlowFields.None ? null
            : wrapped ? "inner packet unchanged"
            : "IP header unchanged";
    }

    private List<FlowNode> Nodes(List<FlowHop> hops, IPAddress vip, bool ipv6)
    {
        var seenMacs = new Dictionary<(string Node, string Network), string>();
        var order = new List<string>();
        foreach (var hop in hops)
        {
            seenMacs.TryAdd((hop.From, hop.Network), hop.SourceMac);
            seenMacs.TryAdd((hop.To, hop.Network), hop.DestinationMac);
            foreach (var name in new[] { hop.From, hop.To })
            {
                if (!order.Contains(name))
                {
                    order.Add(name);
                }
            }
        }

        return order.Select(name => topology.Nodes.FirstOrDefault(n => n.Name == name) is { } node
            ? new FlowNode(
                name,
                node.Role,
                node.Interfaces.Select(i => new FlowInterface(i.Network, ipv6 ? i.Address6 ?? i.Address : i.Address, seenMacs.GetValueOrDefault((name, i.Network)))).ToList(),
                node.Role == NodeRole.Director || node.LoopbackAddresses.Contains(vip) ? vip : null)
            : new FlowNode(name, null, [], null)).ToList();
    }

    private List<string> Summary(List<FlowHop> request, List<FlowHop> reply, HashSet<string> directors, bool withReply, bool bypass, string client)
    {
        var mode = topology.Mode.ToUpperInvariant();
        var summary = new List<string>();
        foreach (var (hops, what) in new[] { (request, "request"), (reply, "reply") })
        {
            foreach (var hop in hops.Skip(1).Where(h => directors.Contains(h.From)))
            {
                var untouched = hop.Changes.Count == 0 ? null : Untouched(hop.Changed, hop.Outer is not null);
                summary.Add($"{what}: the director ({mode}) changed {string.Join(", ", hop.Changes)}{(untouched is null ? string.Empty : $"; {untouched}")}");
            }
        }

        if (bypass)
        {
            summary.Add($"reply: {reply[0].From} → {client} without the director");
        }
        else if (withReply && reply.Count == 0)
        {
            summary.Add("reply: not seen in the captures");
        }

        return summary;
    }

    private void LearnMacs()
    {
        // Interface addresses, IPv4 and IPv6, and their owners (the VIP and VIP6 are left out:
        // several nodes may hold them).
        var owners = topology.Nodes
            .SelectMany(n => n.Interfaces.SelectMany(i => Addresses(i).Select(address => (Address: address, Owner: (Node: n.Name, i.Network)))))
            .Where(x => !IsVip(x.Address))
            .GroupBy(x => x.Address)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.First().Owner);

        // An ARP sender says which MAC its address has.
        foreach (var link in captures.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var frame in captures[link])
            {
                if (FlowDecoder.TryReadArpSender(frame.Data, out var mac, out var address) && owners.TryGetValue(address, out var owner))
                {
                    macs.TryAdd(mac, owner.Node);
                }
            }
        }

        // On a node's own network, a packet from (to) one of its addresses comes from (goes to) its MAC;
        // a routed packet keeps its addresses but crosses other networks, so those say nothing. In
        // IPv6 this covers neighbour discovery too: a solicitation or advertisement is an ICMPv6
        // packet from the sender's own address (its multicast destination MAC is skipped).
        foreach (var observation in observations)
        {
            if (LinkNetwork(observation.Link) is not { } network)
            {
                continue;
            }

            var ip = observation.Frame.Outer ?? observation.Frame.Carried;
            foreach (var (address, mac) in new[] { (ip.Source, observation.Frame.SourceMac), (ip.Destination, observation.Frame.DestinationMac) })
            {
                if (owners.TryGetValue(address, out var owner) && owner.Network == network && !FlowDecoder.IsGroup(mac))
                {
                    macs.TryAdd(mac, owner.Node);
                }
            }
        }

        // Last resort: a tap sits on one node's veth, so of the MACs no other node owns, the one in
        // most of its frames (more than half, and more than any other) is that node's.
        foreach (var link in captures.Keys.Order(StringComparer.Ordinal))
        {
            var node = TapNode(link);
            if (node is null)
            {
                continue;
            }

            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var frame in captures[link])
            {
                if (frame.Data.Length < 12)
                {
                    continue;
                }

                var destination = FlowDecoder.Mac(frame.Data.AsSpan(0, 6));
                var source = FlowDecoder.Mac(frame.Data.AsSpan(6, 6));
                foreach (var mac in source == destination ? [source] : new[] { source, destination })
                {
                    if (!FlowDecoder.IsGroup(mac) && (!macs.TryGetValue(mac, out var owner) || owner == node.Name))
                    {
                        counts[mac] = counts.GetValueOrDefault(mac) + 1;
                    }
                }
            }

            var ranked = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            if (ranked.Count > 0 && ranked[0].Value * 2 > captures[link].Count && (ranked.Count == 1 || ranked[0].Value > ranked[1].Value))
            {
                macs.TryAdd(ranked[0].Key, node.Name);
            }
        }
    }

    private bool IsVip(IPAddress address) => address.Equals(topology.Vip) || address.Equals(topology.Vip6);

    private string NodeOf(string mac) =>
        macs.TryGetValue(mac, out var node) ? node
        : mac == "ff:ff:ff:ff:ff:ff" ? "broadcast"
        : mac;

    private LabNode? TapNode(string link)
    {
        var colon = link.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? link : link[..colon];
        return topology.Nodes.FirstOrDefault(n => n.Name == name);
    }

    /// <summary>The network of a tap: named in its link, or the tapped node's only one; else null.</summary>
    private string? LinkNetwork(string link)
    {
        var colon = link.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? link[(colon + 1)..]
            : TapNode(link) is { Interfaces.Count: 1 } node ? node.Interfaces[0].Network
            : null;
    }

    private string NetworkOf(FlowObservation observation)
    {
        if (LinkNetwork(observation.Link) is { } network)
        {
            return network;
        }

        // A tap on a whole node: the network is the one of its interfaces the frame can be on.
        var candidates = (TapNode(observation.Link)?.Interfaces.Select(i => i.Network) ?? topology.Networks.Select(n => n.Name)).Distinct().ToList();
        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        var parties = new[] { observation.From, observation.To }
            .Select(name => topology.Nodes.FirstOrDefault(n => n.Name == name))
            .OfType<LabNode>()
            .ToList();
        var shared = candidates.Where(network => parties.Count > 0 && parties.All(p => p.Interfaces.Any(i => i.Network == network))).ToList();
        if (shared.Count == 1)
        {
            return shared[0];
        }

        var ip = observation.Frame.Outer ?? observation.Frame.Carried;
        var bySubnet = candidates.Where(network =>
            topology.Networks.FirstOrDefault(n => n.Name == network) is { } net
            && (InSubnet(net, ip.Source) || InSubnet(net, ip.Destination))).ToList();
        return bySubnet.Count == 1 ? bySubnet[0]
            : shared.Count > 0 ? shared[0]
            : candidates.Count > 0 ? candidates[0]
            : observation.Link;
    }

    private static bool InSubnet(LabNetwork network, IPAddress address) =>
        network.Subnet.Contains(address) || (network.Subnet6 is { } subnet6 && subnet6.Contains(address));

    private string Inventory()
    {
        if (captures.Count == 0)
        {
            return "no taps";
        }

        return string.Join(", ", captures.Keys.Order(StringComparer.Ordinal).Select(link =>
        {
            var frames = captures[link];
            var tcp = frames.Count(f => FlowDecoder.TryDecode(f.Data, out var d) && d.Carried.IsTcp);
            return string.Create(CultureInfo.InvariantCulture, $"{link}: {frames.Count} frames, {tcp} TCP");
        }));
    }
}
