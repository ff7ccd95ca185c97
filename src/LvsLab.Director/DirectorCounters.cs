using LvsLab.Director.Rules;

namespace LvsLab.Director;

/// <summary>
/// What the engine did with the frames it saw. Every frame is counted exactly once as ignored,
/// forwarded, an ARP reply, or dropped: <c>FramesIn == Ignored + ForwardedPackets + ArpReplies
/// + Dropped</c>, where <see cref="ForwardedPackets"/> counts both directions: frames forwarded
/// to real servers (DR and NAT) and NAT replies forwarded to clients (the latter also in
/// <see cref="ReplyPackets"/>). An ARP request sent because a next hop's MAC is unknown counts
/// the frame as dropped (<see cref="DropReason.NeighbourUnresolved"/>) and is counted in
/// <see cref="ArpRequests"/> as well. Likewise an ICMP "fragmentation needed" sent to a client
/// in place of a tunnelled packet that is too big counts the frame as dropped
/// (<see cref="DropReason.FragmentationNeeded"/>) and is counted in <see cref="IcmpSent"/>: the
/// frames the engine generates (ARP requests, ICMP errors) are not frames in, so they are
/// outside the sum. Updating allocates nothing. Not thread-safe: read it from
/// the capture loop's thread or accept slightly stale values.
/// </summary>
public sealed class DirectorCounters
{
    private static readonly DropReason[] AllReasons = Enum.GetValues<DropReason>();

    private readonly long[] _drops = new long[AllReasons.Length];
    private readonly long[] _servicePackets;
    private readonly long[] _serviceBytes;
    private readonly long[] _realServerPackets;
    private readonly long[] _realServerBytes;
    private readonly long[] _serviceReplyPackets;
    private readonly long[] _serviceReplyBytes;
    private readonly long[] _realServerReplyPackets;
    private readonly long[] _realServerReplyBytes;
    private readonly long[] _serviceConnections;
    private readonly long[] _realServerConnections;
    private readonly int[] _realServerBase;

    /// <summary>Creates zeroed counters sized for a rule set.</summary>
    /// <param name="rules">The rule set whose services and real servers are counted.</param>
    public DirectorCounters(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        int services = rules.Services.Count;
        _servicePackets = new long[services];
        _serviceBytes = new long[services];
        _serviceReplyPackets = new long[services];
        _serviceReplyBytes = new long[services];
        _realServerBase = new int[services + 1];
        for (int i = 0; i < services; i++)
        {
            _realServerBase[i + 1] = _realServerBase[i] + rules.Services[i].RealServers.Count;
        }

        _serviceConnections = new long[services];
        _realServerConnections = new long[_realServerBase[services]];
        _realServerPackets = new long[_realServerBase[services]];
        _realServerBytes = new long[_realServerBase[services]];
        _realServerReplyPackets = new long[_realServerBase[services]];
        _realServerReplyBytes = new long[_realServerBase[services]];
    }

    /// <summary>Frames given to the engine.</summary>
    public long FramesIn { get; private set; }

    /// <summary>Frames ignored (not for a VIP, our own, not IPv4 or ARP, ARP not for a VIP).</summary>
    public long Ignored { get; private set; }

    /// <summary>
    /// Frames forwarded, both directions: to real servers (DR, NAT, and tunnelled), and (NAT)
    /// replies to clients.
    /// </summary>
    public long ForwardedPackets { get; private set; }

    /// <summary>Bytes of frames forwarded, both directions, as sent (a tunnelled frame counts with its outer header).</summary>
    public long ForwardedBytes { get; private set; }

    /// <summary>NAT replies forwarded from real servers to clients (a part of <see cref="ForwardedPackets"/>).</summary>
    public long ReplyPackets { get; private set; }

    /// <summary>Bytes of NAT replies forwarded from real servers to clients (a part of <see cref="ForwardedBytes"/>).</summary>
    public long ReplyBytes { get; private set; }

    /// <summary>ARP replies sent for VIPs.</summary>
    public long ArpReplies { get; private set; }

    /// <summary>ARP requests sent to resolve next hops (real servers, clients, gateways) while forwarding.</summary>
    public long ArpRequests { get; private set; }

    /// <summary>
    /// ICMP errors sent: "fragmentation needed" to clients whose tunnelled (<c>-i</c>) packet
    /// with DF set did not fit the egress port's MTU. Each one also counts its frame in
    /// <see cref="DropReason.FragmentationNeeded"/>.
    /// </summary>
    public long IcmpSent { get; private set; }

    /// <summary>Frames dropped, all reasons.</summary>
    public long Dropped { get; private set; }

    /// <summary>Number of services counted (indices for <see cref="GetServiceTraffic"/>).</summary>
    public int ServiceCount => _servicePackets.Length;

    /// <summary>Frames dropped for one reason.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The count (0 for an undefined value).</returns>
    public long GetDrops(DropReason reason) => (uint)reason < (uint)_drops.Length ? _drops[(int)reason] : 0;

    /// <summary>Every drop reason except None with its count, in enum order (allocates; for stats output).</summary>
    /// <returns>Reason and count pairs.</returns>
    public IEnumerable<KeyValuePair<DropReason, long>> EnumerateDrops()
    {
        foreach (DropReason reason in AllReasons)
        {
            if (reason != DropReason.None)
            {
                yield return new KeyValuePair<DropReason, long>(reason, _drops[(int)reason]);
            }
        }
    }

    /// <summary>Traffic forwarded for a service towards its real servers (inbound).</summary>
    /// <param name="serviceIndex">Index in <see cref="RuleSet.Services"/>.</param>
    /// <returns>Packets and bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such service.</exception>
    public TrafficCounter GetServiceTraffic(int serviceIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serviceIndex, _servicePackets.Length);
        return new TrafficCounter(_servicePackets[serviceIndex], _serviceBytes[serviceIndex]);
    }

    /// <summary>Traffic forwarded to one real server of a service (inbound).</summary>
    /// <param name="serviceIndex">Index in <see cref="RuleSet.Services"/>.</param>
    /// <param name="realServerIndex">Index in the service's <see cref="VirtualService.RealServers"/>.</param>
    /// <returns>Packets and bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such service or real server.</exception>
    public TrafficCounter GetRealServerTraffic(int serviceIndex, int realServerIndex)
    {
        int slot = RealServerSlot(serviceIndex, realServerIndex);
        return new TrafficCounter(_realServerPackets[slot], _realServerBytes[slot]);
    }

    /// <summary>NAT replies forwarded for a service from its real servers to clients (outbound).</summary>
    /// <param name="serviceIndex">Index in <see cref="RuleSet.Services"/>.</param>
    /// <returns>Packets and bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such service.</exception>
    public TrafficCounter GetServiceReplyTraffic(int serviceIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serviceIndex, _servicePackets.Length);
        return new TrafficCounter(_serviceReplyPackets[serviceIndex], _serviceReplyBytes[serviceIndex]);
    }

    /// <summary>NAT replies forwarded from one real server of a service to clients (outbound).</summary>
    /// <param name="serviceIndex">Index in <see cref="RuleSet.Services"/>.</param>
    /// <param name="realServerIndex">Index in the service's <see cref="VirtualService.RealServers"/>.</param>
    /// <returns>Packets and bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such service or real server.</exception>
    public TrafficCounter GetRealServerReplyTraffic(int serviceIndex, int realServerIndex)
    {
        int slot = RealServerSlot(serviceIndex, realServerIndex);
        return new TrafficCounter(_realServerReplyPackets[slot], _realServerReplyBytes[slot]);
    }

    /// <summary>Connections scheduled so far (every one-packet datagram counts as one), as ipvsadm's <c>Conns</c>.</summary>
    public long ConnectionsScheduled { get; private set; }

    /// <summary>Connections scheduled to a service (ipvsadm <c>--stats</c> <c>Conns</c>).</summary>
    /// <param name="serviceIndex">Index in <see cref="RuleSet.Services"/>.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such service.</exception>
    public long GetServiceConnectionCount(int serviceIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serviceIndex, _serviceConnections.Length);
        return _serviceConnections[serviceIndex];
    }

    /// <summary>Connections scheduled to one real server of a service.</summary>
    /// <param name="serviceIndex">Index in <see cref="RuleSet.Services"/>.</param>
    /// <param name="realServerIndex">Index in the service's <see cref="VirtualService.RealServers"/>.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such service or real server.</exception>
    public long GetRealServerConnectionCount(int serviceIndex, int realServerIndex) =>
        _realServerConnections[RealServerSlot(serviceIndex, realServerIndex)];

    /// <summary>
    /// New counters for a changed rule set (<see cref="DirectorEngine.Apply"/>): the totals go
    /// on, and each service and real server that stays keeps its counts.
    /// </summary>
    /// <param name="rules">The new rule set.</param>
    /// <param name="serviceMap">Old service index to new (-1: deleted).</param>
    /// <param name="serverMap">Per old service, old real server index to new (-1: deleted).</param>
    /// <returns>The new counters.</returns>
    internal DirectorCounters CarryOver(RuleSet rules, int[] serviceMap, int[][] serverMap)
    {
        var next = new DirectorCounters(rules)
        {
            FramesIn = FramesIn,
            Ignored = Ignored,
            ForwardedPackets = ForwardedPackets,
            ForwardedBytes = ForwardedBytes,
            ReplyPackets = ReplyPackets,
            ReplyBytes = ReplyBytes,
            ArpReplies = ArpReplies,
            ArpRequests = ArpRequests,
            IcmpSent = IcmpSent,
            Dropped = Dropped,
            ConnectionsScheduled = ConnectionsScheduled,
        };
        Array.Copy(_drops, next._drops, _drops.Length);
        for (int s = 0; s < serviceMap.Length; s++)
        {
            int to = serviceMap[s];
            if (to < 0)
            {
                continue;
            }

            next._servicePackets[to] = _servicePackets[s];
            next._serviceBytes[to] = _serviceBytes[s];
            next._serviceReplyPackets[to] = _serviceReplyPackets[s];
            next._serviceReplyBytes[to] = _serviceReplyBytes[s];
            next._serviceConnections[to] = _serviceConnections[s];
            for (int r = 0; r < serverMap[s].Length; r++)
            {
                if (serverMap[s][r] < 0)
                {
                    continue;
                }

                int from = _realServerBase[s] + r;
                int into = next._realServerBase[to] + serverMap[s][r];
                next._realServerPackets[into] = _realServerPackets[from];
                next._realServerBytes[into] = _realServerBytes[from];
                next._realServerReplyPackets[into] = _realServerReplyPackets[from];
                next._realServerReplyBytes[into] = _realServerReplyBytes[from];
                next._realServerConnections[into] = _realServerConnections[from];
            }
        }

        return next;
    }

    internal void CountConnection(int serviceIndex, int realServerIndex)
    {
        ConnectionsScheduled++;
        _serviceConnections[serviceIndex]++;
        _realServerConnections[_realServerBase[serviceIndex] + realServerIndex]++;
    }

    internal void CountFrame() => FramesIn++;

    internal void CountIgnored() => Ignored++;

    internal void CountArpReply() => ArpReplies++;

    internal void CountArpRequest() => ArpRequests++;

    internal void CountIcmpSent() => IcmpSent++;

    internal void CountDrop(DropReason reason)
    {
        Dropped++;
        _drops[(int)reason]++;
    }

    internal void CountForward(int serviceIndex, int realServerIndex, int bytes)
    {
        ForwardedPackets++;
        ForwardedBytes += bytes;
        _servicePackets[serviceIndex]++;
        _serviceBytes[serviceIndex] += bytes;
        int slot = _realServerBase[serviceIndex] + realServerIndex;
        _realServerPackets[slot]++;
        _realServerBytes[slot] += bytes;
    }

    internal void CountReply(int serviceIndex, int realServerIndex, int bytes)
    {
        ForwardedPackets++;
        ForwardedBytes += bytes;
        ReplyPackets++;
        ReplyBytes += bytes;
        _serviceReplyPackets[serviceIndex]++;
        _serviceReplyBytes[serviceIndex] += bytes;
        int slot = _realServerBase[serviceIndex] + realServerIndex;
        _realServerReplyPackets[slot]++;
        _realServerReplyBytes[slot] += bytes;
    }

    private int RealServerSlot(int serviceIndex, int realServerIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serviceIndex, _servicePackets.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(realServerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(realServerIndex, _realServerBase[serviceIndex + 1] - _realServerBase[serviceIndex]);
        return _realServerBase[serviceIndex] + realServerIndex;
    }
}
