using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;
using Xunit.Abstractions;

using static LvsLab.Director.Tests.Fixtures.KitchenSinkLab;
using static LvsLab.Director.Tests.Fixtures.TwoPortLab;

namespace LvsLab.Director.Tests;

/// <summary>
/// The kitchen-sink fuzz: millions of valid, mutated and random frames through one engine that
/// has every kind of service (<see cref="KitchenSinkLab"/>), a 512-entry connection table that
/// evicts all the time, a clock that sometimes jumps minutes ahead, rule sets replaced every
/// 50,000 frames, timeouts and weights changed as it runs. After every frame: no exception, the
/// frame counted exactly once and in the bucket its decision names, the output well formed; every
/// 1,000 frames the connection counts, and every 10,000 the whole table, are checked.
/// </summary>
/// <remarks>
/// <c>LVSLAB_FUZZ_FRAMES</c> sets the number of frames (default <see cref="DefaultFrameCount"/>)
/// and <c>LVSLAB_FUZZ_SEED</c> the seed (default <see cref="DefaultSeed"/>). A failure names the
/// seed and the frame's index: the same seed with that many frames + 1 replays it.
/// </remarks>
public sealed class MillionFrameFuzzTests(ITestOutputHelper output)
{
    public const int DefaultFrameCount = 2_000_000;
    public const int DefaultSeed = 20261201;

    private const int ConnectionCapacity = 512;
    private const int ApplyInterval = 50_000;
    private const int TimeoutsInterval = 30_000;
    private const int WeightInterval = 7_000;
    private const int NeighbourInterval = 5_000;
    private const int CountsCheckInterval = 1_000;
    private const int TableCheckInterval = 10_000;

    private static readonly int KindCount = Enum.GetValues<DecisionKind>().Length;
    private static readonly int SeedKindCount = Enum.GetValues<FuzzSeedKind>().Length;
    private static readonly DropReason[] Reasons = Enum.GetValues<DropReason>();
    private static readonly int[] TimeoutChoices = [0, 0, 0, 1, 1, 2, 3, 3];

    private readonly byte[] _frame = new byte[FuzzTraffic.MaxFrameLength];
    private readonly byte[] _output = new byte[FuzzTraffic.MaxFrameLength + 64];
    private readonly long[] _decisions = new long[KindCount];
    private readonly long[] _drops = new long[Reasons.Length];
    private readonly long[,] _bySeed = new long[SeedKindCount, KindCount + 1];
    private readonly long[,] _bySeedUnmutated = new long[SeedKindCount, KindCount];
    private readonly long[] _repliesFrom = new long[4];
    private DirectorEngine _engine = null!;
    private RuleSet[] _ruleSets = [];
    private FuzzFrame _current;
    private long _tunnelled;
    private long _tunnelledFar;
    private long _icmpForwardedIn;
    private long _icmpForwardedOut;
    private long _fragmentationNeededSent;
    private long _wholeQuotesForwarded;
    private int _maxTemplates;
    private int _maxConnections;
    private int _applies;
    private int _timeoutChanges;
    private int _weightChanges;
    private int _neighbourChanges;

    [Fact]
    public void MillionsOfFramesThroughEveryKindOfServiceNeverThrowAndAreEachCountedOnce()
    {
        int frameCount = EnvironmentNumber("LVSLAB_FUZZ_FRAMES", DefaultFrameCount);
        int seed = EnvironmentNumber("LVSLAB_FUZZ_SEED", DefaultSeed);
        var traffic = new FuzzTraffic(new Random(seed));
        var harness = new Random(seed ^ 0x5EED);
        _ruleSets = [.. Enumerable.Range(0, RuleVariants.Length).Select(KitchenSinkLab.Rules)];
        _engine = Engine(ConnectionCapacity, expireQuiescentTemplate: true);
        _current = new FuzzFrame(seed, 0, 0, 0, 0, 0, 0, FuzzSeedKind.Random, false, 0);
        int variant = 0;
        int timeouts = 0;
        long now = 0;
        var stopwatch = Stopwatch.StartNew();

        for (int i = 0; i < frameCount; i++)
        {
            if (i > 0 && i % ApplyInterval == 0)
            {
                // Another rule set; the empty one (the last) only now and then.
                int empty = _ruleSets.Length - 1;
                variant = variant != empty && harness.Next(8) == 0 ? empty : (variant + harness.Next(1, empty)) % empty;
                _engine.Apply(_ruleSets[variant]);
                _applies++;
                _current = _current with { RuleVariant = variant };
                CheckTable(now);
            }

            if (i % TimeoutsInterval == TimeoutsInterval / 2)
            {
                // Default and long timeouts (the table fills and evicts) more often than short and tiny ones.
                timeouts = TimeoutChoices[harness.Next(TimeoutChoices.Length)];
                _engine.Connections.Timeouts = TimeoutVariants[timeouts];
                _timeoutChanges++;
            }

            if (i % WeightInterval == WeightInterval - 1 && _engine.Rules.Services.Count > 0)
            {
                int service = harness.Next(_engine.Rules.Services.Count);
                int server = harness.Next(_engine.Rules.Services[service].RealServers.Count);
                _engine.SetWeight(service, server, harness.Next(4));
                _weightChanges++;
            }

            if (i % NeighbourInterval == NeighbourInterval / 3)
            {
                // Forget a next hop: the engine asks for it again, and an ARP reply teaches it back.
                int forget = harness.Next(ForgettableNeighbours.Length + FuzzTraffic.OnLinkClients);
                _engine.Neighbours.Remove(
                    forget < ForgettableNeighbours.Length ? ForgettableNeighbours[forget] : FuzzTraffic.AddressOfClient(forget - ForgettableNeighbours.Length));
                _neighbourChanges++;
            }

            // About 10 ms a frame on average: mostly 0..2 ms, now and then up to 0.1 s, rarely
            // seconds, and every 50,000 frames or so whole minutes (connections and templates expire).
            now += harness.Next(100_000) switch
            {
                < 97_000 => harness.Next(0, 3),
                < 99_960 => harness.Next(3, 100),
                < 99_998 => harness.Next(1_000, 60_000),
                _ => harness.Next(60_000, 600_000),
            };

            FuzzSeedKind kind = traffic.Next(_frame, out int length, out int port, out bool mutated);
            int outputLength = harness.Next(1_000) == 0 ? harness.Next(0, length + 65) : _output.Length;
            _current = new FuzzFrame(seed, i, port, now, length, outputLength, variant, kind, mutated, timeouts);
            if (ProcessAndCheck() is { Kind: DecisionKind.Forward } forwarded)
            {
                traffic.Observe(_frame.AsSpan(0, length), _output.AsSpan(0, forwarded.Length));
            }

            if (i % CountsCheckInterval == 0)
            {
                CheckCounts();
            }

            if (i % TableCheckInterval == 0)
            {
                CheckTable(now);
            }
        }

        stopwatch.Stop();
        CheckTable(now);
        Report(frameCount, seed, stopwatch.Elapsed, now);

        DirectorCounters counters = _engine.Counters;
        Assert.Equal(frameCount, counters.FramesIn);
        DrLab.AssertCountedOnce(counters);
        Assert.Equal(_decisions[(int)DecisionKind.Forward], counters.ForwardedPackets);
        Assert.Equal(_decisions[(int)DecisionKind.Ignore], counters.Ignored);
        Assert.Equal(_decisions[(int)DecisionKind.ArpReply], counters.ArpReplies);
        Assert.Equal(_decisions[(int)DecisionKind.ArpRequest], counters.ArpRequests);
        Assert.Equal(_decisions[(int)DecisionKind.IcmpError], counters.IcmpSent);
        foreach (DropReason reason in Reasons)
        {
            Assert.True(_drops[(int)reason] == counters.GetDrops(reason), $"{reason}: {_drops[(int)reason]} seen, {counters.GetDrops(reason)} counted");
        }

        if (frameCount >= DefaultFrameCount / 2)
        {
            AssertEveryPathWasReached(counters);
        }
    }

    [Fact]
    public void TheFuzzFramesWrittenByHandAreTheFramesPacketDotNetBuilds()
    {
        byte[] frame = new byte[2048];
        byte[] payload = [.. Enumerable.Range(0, 37).Select(i => (byte)((i * 31) + 7))];
        var client = Ipv4Address.Parse("172.16.1.17");

        int length = FrameWriter.Tcp(frame, RouterMac, ExtMac, client, 40001, Vip, 80, TcpFlags.Ack | TcpFlags.Psh, payload.Length, 63);
        Assert.Equal(Frames.Tcp(client, 40001, Vip, 80, TcpFlags.Ack | TcpFlags.Psh, 63, RouterMac, ExtMac, payload), frame[..length]);

        length = FrameWriter.Tcp(frame, ClientMac, ExtMac, ClientIp, 40000, Vip, 81, TcpFlags.Syn);
        Assert.Equal(FromClient(40000, 81, TcpFlags.Syn), frame[..length]);

        length = FrameWriter.Udp(frame, Rs2Mac, IntMac, Rs2, 5353, client, 40002, payload.Length);
        Assert.Equal(Frames.Udp(Rs2, 5353, client, 40002, 64, Rs2Mac, IntMac, payload), frame[..length]);

        length = FrameWriter.Udp(frame, Rs2Mac, IntMac, Rs2, 5353, client, 40002, payload.Length, checksum: false);
        Assert.Equal(Frames.WithUdpChecksum(Frames.Udp(Rs2, 5353, client, 40002, 64, Rs2Mac, IntMac, payload), 0), frame[..length]);

        length = FrameWriter.Arp(frame, MacAddress.Broadcast, ArpOperation.Request, ClientMac, ClientIp, MacAddress.Zero, Vip);
        Assert.Equal(Frames.ArpRequest(ClientMac, ClientIp, Vip), frame[..length]);

        length = FrameWriter.Arp(frame, IntMac, ArpOperation.Reply, Rs3Mac, Rs3, IntMac, IntIp);
        Assert.Equal(Frames.ArpReply(Rs3Mac, Rs3, IntMac, IntIp), frame[..length]);

        byte[] quoted = Frames.Tcp(Vip, 80, client, 40001, TcpFlags.Ack, 63, ExtMac, RouterMac, payload);
        foreach (int quoteLength in new[] { 28, 40, 576 })
        {
            length = FrameWriter.IcmpError(
                frame, RouterMac, ExtMac, FarRouter, Vip, IcmpFrames.DestinationUnreachable, IcmpFrames.FragmentationNeeded, quoted.AsSpan(14), quoteLength, 64, 1400);
            byte[] expected = IcmpFrames.Error(
                RouterMac, ExtMac, FarRouter, Vip, IcmpFrames.DestinationUnreachable, IcmpFrames.FragmentationNeeded, quoted, quoteLength, restOfHeader: 1400);
            Assert.Equal(expected, frame[..length]);
        }

        // The echo request of Frames.IcmpEcho (no payload), from our own ICMP checksum.
        length = FrameWriter.IcmpEcho(frame, DrLab.ClientMac, DrLab.DirectorMac, DrLab.ClientIp, DrLab.Vip);
        byte[] echo = Frames.IcmpEcho(DrLab.ClientIp, DrLab.Vip);
        Assert.Equal(echo[..18], frame[..18]);
        Assert.Equal(echo[22..], frame[22..length]);
        Assert.True(new Ipv4Packet(frame.AsSpan(14, length - 14)).IsHeaderChecksumValid);
    }

    private static int EnvironmentNumber(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
            ? int.Parse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture)
            : fallback;

    private Decision ProcessAndCheck()
    {
        ReadOnlySpan<byte> frame = _frame.AsSpan(0, _current.Length);
        Span<byte> output = _output.AsSpan(0, _current.OutputLength);
        DirectorCounters before = _engine.Counters;
        long framesIn = before.FramesIn;
        long ignored = before.Ignored;
        long forwarded = before.ForwardedPackets;
        long replies = before.ReplyPackets;
        long arpReplies = before.ArpReplies;
        long arpRequests = before.ArpRequests;
        long icmpSent = before.IcmpSent;
        long dropped = before.Dropped;

        Decision decision;
        try
        {
            decision = _engine.Process(_current.Port, frame, output, _current.Now);
        }
        catch (Exception exception)
        {
            Fail($"Process threw {exception}", default);
            return default;
        }

        _decisions[(int)decision.Kind]++;
        _bySeed[(int)_current.Kind, (int)decision.Kind]++;
        if (_current.Mutated)
        {
            _bySeed[(int)_current.Kind, KindCount]++;
        }
        else
        {
            _bySeedUnmutated[(int)_current.Kind, (int)decision.Kind]++;
        }

        if (decision.Reason != DropReason.None && (uint)decision.Reason < (uint)_drops.Length)
        {
            _drops[(int)decision.Reason]++;
        }

        // Counted once, in the bucket the decision names.
        DirectorCounters after = _engine.Counters;
        bool isReply = after.ReplyPackets - replies == 1;
        (long Ignored, long Forwarded, long ArpReplies, long ArpRequests, long IcmpSent, long Dropped) expected = decision switch
        {
            { Kind: DecisionKind.Forward } => (0, 1, 0, 0, 0, 0),
            { Kind: DecisionKind.ArpReply, Reason: DropReason.None } => (0, 0, 1, 0, 0, 0),
            { Kind: DecisionKind.ArpRequest, Reason: DropReason.NeighbourUnresolved } => (0, 0, 0, 1, 0, 1),
            { Kind: DecisionKind.IcmpError, Reason: DropReason.FragmentationNeeded } => (0, 0, 0, 0, 1, 1),
            { Kind: DecisionKind.Drop } when decision.Reason != DropReason.None => (0, 0, 0, 0, 0, 1),
            { Kind: DecisionKind.Ignore, Reason: DropReason.None } => (1, 0, 0, 0, 0, 0),
            _ => (-1, -1, -1, -1, -1, -1),
        };
        (long, long, long, long, long, long) actual = (
            after.Ignored - ignored,
            after.ForwardedPackets - forwarded,
            after.ArpReplies - arpReplies,
            after.ArpRequests - arpRequests,
            after.IcmpSent - icmpSent,
            after.Dropped - dropped);
        if (after.FramesIn - framesIn != 1 || actual != expected || after.ReplyPackets - replies is < 0 or > 1 || (isReply && decision.Kind != DecisionKind.Forward))
        {
            Fail(
                $"counted wrong: frames in +{after.FramesIn - framesIn}, (ignored, forwarded, ARP replies, ARP requests, ICMP sent, dropped) +{actual}, expected +{expected}; NAT replies +{after.ReplyPackets - replies}",
                decision);
        }

        if (after.FramesIn != after.Ignored + after.ForwardedPackets + after.ArpReplies + after.Dropped)
        {
            Fail("FramesIn != Ignored + Forwarded + ArpReplies + Dropped", decision);
        }

        int connections = _engine.Connections.Count;
        if (connections > _engine.Connections.Capacity)
        {
            Fail($"{connections} connections in a table of {_engine.Connections.Capacity}", decision);
        }

        _maxConnections = Math.Max(_maxConnections, connections);
        CheckOutput(decision, frame, output, isReply);
        return decision;
    }

    private void CheckOutput(Decision decision, ReadOnlySpan<byte> frame, Span<byte> output, bool isReply)
    {
        if (decision.Kind is DecisionKind.Drop or DecisionKind.Ignore)
        {
            if (decision.Length != 0)
            {
                Fail("a Drop or Ignore decision with a length", decision);
            }

            return;
        }

        if (decision.Length <= 0 || decision.Length > output.Length || (uint)decision.Interface >= (uint)_engine.Interfaces.Count)
        {
            Fail($"length out of 1..{output.Length} or no such port", decision);
        }

        Span<byte> sent = output[..decision.Length];
        DirectorInterface egress = _engine.Interfaces[decision.Interface];
        if (decision.Length < FrameWriter.EthernetLength || MacAddress.ReadFrom(sent[6..]) != egress.Mac)
        {
            Fail($"the frame sent does not come from port {egress.Name}'s MAC", decision);
        }

        ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(sent[12..]);
        if (decision.Kind is DecisionKind.ArpReply or DecisionKind.ArpRequest && etherType == EtherType.Arp)
        {
            // An answer for a VIP on its port (ext), or a question from the port's own address.
            var sender = Ipv4Address.ReadFrom(sent[28..]);
            bool answer = decision.Kind == DecisionKind.ArpReply;
            if (decision.Length != DirectorEngine.ArpFrameLength
                || (answer && (decision.Reason != DropReason.None || decision.Interface != Ext || !IsVirtual(sender) || sender.IsInSubnet(MarkNetwork, 24)))
                || (!answer && (decision.Reason != DropReason.NeighbourUnresolved || sender != egress.Address)))
            {
                Fail("a wrong ARP reply or request", decision);
            }

            return;
        }

        if (etherType != EtherType.Ipv4
            || !Ipv4Packet.TryRead(sent[FrameWriter.EthernetLength..], out Ipv4Packet ip, out PacketError error)
            || !ip.IsHeaderChecksumValid)
        {
            Fail("the IPv4 frame sent does not parse or its IPv4 header checksum is wrong", decision);
            return;
        }

        if (decision.Kind != DecisionKind.Forward)
        {
            // ICMP "fragmentation needed" to the client, about the frame received (an ARP
            // decision with an IPv4 frame fails here too).
            if (decision.Reason != DropReason.FragmentationNeeded
                || ip.Protocol != IpProtocol.Icmp
                || ip.Payload.Length < 8
                || ip.Payload[0] != IcmpFrames.DestinationUnreachable
                || ip.Payload[1] != IcmpFrames.FragmentationNeeded
                || Checksum.Compute(ip.Payload) != 0
                || ip.Destination != Ipv4Address.ReadFrom(frame[26..]))
            {
                Fail("a malformed ICMP fragmentation needed", decision);
            }

            _fragmentationNeededSent++;
            return;
        }

        if (ip.Protocol == IpProtocol.IpInIp && ip.Source == egress.Address)
        {
            // Tunnelled: the packet received, unchanged, inside a header that fits the port's MTU.
            int innerLength = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
            if (ip.TotalLength > egress.Mtu
                || decision.Length != FrameWriter.EthernetLength + ip.TotalLength
                || !ip.Payload.SequenceEqual(frame.Slice(FrameWriter.EthernetLength, innerLength)))
            {
                Fail($"a tunnelled packet of {ip.TotalLength} bytes out of a port with MTU {egress.Mtu}, or not the packet received", decision);
            }

            _tunnelled++;
            if (ip.Destination == TunLab.RemoteRs)
            {
                _tunnelledFar++;
            }
        }
        else
        {
            // Forwarded as is or rewritten: the whole frame, and a TCP, UDP or ICMP checksum that
            // was right stays right (a UDP checksum that was there stays there), in an ICMP
            // error's quote too (its IPv4 header, and its transport when wholly quoted).
            ReadOnlySpan<byte> ipIn = frame[FrameWriter.EthernetLength..];
            ReadOnlySpan<byte> ipOut = sent[FrameWriter.EthernetLength..];
            ReadOnlySpan<byte> quoteIn = QuotedPacket(ipIn);
            ReadOnlySpan<byte> quoteOut = QuotedPacket(ipOut);
            int ttlIn = ipIn[8];
            if (decision.Length != frame.Length
                || ip.TimeToLive == 0
                || (ip.TimeToLive != ttlIn && ip.TimeToLive != ttlIn - 1)
                || (TransportChecksumValid(ipIn) == true && TransportChecksumValid(ipOut) != true)
                || (HeaderChecksumValid(quoteIn) == true && HeaderChecksumValid(quoteOut) != true)
                || (TransportChecksumValid(quoteIn) == true && TransportChecksumValid(quoteOut) != true))
            {
                Fail($"a forwarded frame of {decision.Length} bytes for {frame.Length}, with TTL {ip.TimeToLive} for {ttlIn}, or a checksum broken by the rewrite", decision);
            }

            if (TransportChecksumValid(quoteIn) == true)
            {
                _wholeQuotesForwarded++;
            }
        }

        if (ip.Protocol == IpProtocol.Icmp)
        {
            if (decision.Interface == Ext)
            {
                _icmpForwardedOut++;
            }
            else
            {
                _icmpForwardedIn++;
            }
        }

        if (isReply)
        {
            // A NAT reply never shows a real server's address: it comes from a virtual one.
            if (!IsVirtual(ip.Source))
            {
                Fail($"a reply from {ip.Source}, not from a virtual address", decision);
            }

            _repliesFrom[ip.Source == Vip ? 0 : ip.Source == AllPortsVip ? 1 : ip.Source == MarkVip ? 2 : 3]++;
        }
    }

    // The TCP, UDP or ICMP checksum of an unfragmented IPv4 packet: null when the packet does
    // not parse that far or has none (UDP checksum 0).
    private static bool? TransportChecksumValid(ReadOnlySpan<byte> ip)
    {
        if (!TryPayload(ip, out ReadOnlySpan<byte> payload))
        {
            return null;
        }

        var source = Ipv4Address.ReadFrom(ip[12..]);
        var destination = Ipv4Address.ReadFrom(ip[16..]);
        switch (ip[9])
        {
            case IpProtocol.Tcp when payload.Length >= FrameWriter.TcpLength:
                return Checksum.ComputeTransport(source, destination, IpProtocol.Tcp, payload) == 0;
            case IpProtocol.Udp when payload.Length >= FrameWriter.UdpLength:
                int udpLength = BinaryPrimitives.ReadUInt16BigEndian(payload[4..]);
                return udpLength < FrameWriter.UdpLength || udpLength > payload.Length || BinaryPrimitives.ReadUInt16BigEndian(payload[6..]) == 0
                    ? null
                    : Checksum.ComputeTransport(source, destination, IpProtocol.Udp, payload[..udpLength]) == 0;
            case IpProtocol.Icmp when payload.Length >= 4:
                return Checksum.Compute(payload) == 0;
            default:
                return null;
        }
    }

    // The IPv4 header checksum of a packet; null when it does not parse.
    private static bool? HeaderChecksumValid(ReadOnlySpan<byte> ip) =>
        ip.Length >= FrameWriter.Ipv4Length && ip[0] >> 4 == 4 && (ip[0] & 0x0F) >= 5 && (ip[0] & 0x0F) * 4 <= ip.Length
            ? Checksum.Compute(ip[..((ip[0] & 0x0F) * 4)]) == 0
            : null;

    // The packet an ICMP error quotes (as much as is quoted); empty when it is no ICMP error.
    private static ReadOnlySpan<byte> QuotedPacket(ReadOnlySpan<byte> ip) =>
        TryPayload(ip, out ReadOnlySpan<byte> payload) && ip[9] == IpProtocol.Icmp && payload.Length > FrameWriter.IcmpHeaderLength
            && payload[0] is IcmpFrames.DestinationUnreachable or 4 or IcmpFrames.TimeExceeded or 12
            ? payload[FrameWriter.IcmpHeaderLength..]
            : [];

    // The payload of a whole, unfragmented IPv4 packet.
    private static bool TryPayload(ReadOnlySpan<byte> ip, out ReadOnlySpan<byte> payload)
    {
        payload = [];
        if (ip.Length < FrameWriter.Ipv4Length || ip[0] >> 4 != 4)
        {
            return false;
        }

        int headerLength = (ip[0] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        if (headerLength < FrameWriter.Ipv4Length || totalLength < headerLength || totalLength > ip.Length
            || (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3FFF) != 0)
        {
            return false;
        }

        payload = ip[headerLength..totalLength];
        return true;
    }

    // Per real server: active and inactive counts never negative, and together the table's size.
    private void CheckCounts()
    {
        IReadOnlyList<VirtualService> services = _engine.Rules.Services;
        long total = 0;
        for (int s = 0; s < services.Count; s++)
        {
            for (int r = 0; r < services[s].RealServers.Count; r++)
            {
                RealServerConnections counts = _engine.GetRealServerConnections(s, r);
                if (counts.Active < 0 || counts.Inactive < 0)
                {
                    Fail($"service {s} real server {r} has {counts} connections", default);
                }

                total += counts.Total;
            }
        }

        ConnectionTable table = _engine.Connections;
        if (total != table.Count || table.ReplyKeyCount > table.Count)
        {
            Fail($"the real servers' connections add up to {total}, the table holds {table.Count} ({table.ReplyKeyCount} reply keys)", default);
        }

        _maxTemplates = Math.Max(_maxTemplates, table.TemplateCount);
    }

    // The whole table: every entry names a service and a real server that exist and is counted as
    // its state says; no template controls more connections than the table holds for its key.
    private void CheckTable(long now)
    {
        CheckCounts();
        IReadOnlyList<VirtualService> services = _engine.Rules.Services;
        var active = new Dictionary<(int, int), int>();
        var inactive = new Dictionary<(int, int), int>();
        var controlled = new Dictionary<PersistenceKey, int>();
        foreach ((ConnectionKey key, ConnectionEntry entry) in _engine.Connections.Entries)
        {
            if ((uint)entry.ServiceIndex >= (uint)services.Count || (uint)entry.RealServerIndex >= (uint)services[entry.ServiceIndex].RealServers.Count)
            {
                Fail($"connection {key} names service {entry.ServiceIndex} real server {entry.RealServerIndex}, which do not exist", default);
            }

            Dictionary<(int, int), int> counts = entry.State == ConnectionState.Established ? active : inactive;
            counts[(entry.ServiceIndex, entry.RealServerIndex)] = counts.GetValueOrDefault((entry.ServiceIndex, entry.RealServerIndex)) + 1;
            if (entry.IsPersistent)
            {
                var template = new PersistenceKey(entry.ServiceIndex, entry.PersistenceClient);
                controlled[template] = controlled.GetValueOrDefault(template) + 1;
            }
        }

        for (int s = 0; s < services.Count; s++)
        {
            for (int r = 0; r < services[s].RealServers.Count; r++)
            {
                RealServerConnections counts = _engine.GetRealServerConnections(s, r);
                var expected = new RealServerConnections(active.GetValueOrDefault((s, r)), inactive.GetValueOrDefault((s, r)));
                if (counts != expected)
                {
                    Fail($"service {s} real server {r}: counted {counts}, the table holds {expected}", default);
                }
            }
        }

        foreach ((PersistenceKey key, PersistenceTemplate template) in _engine.Connections.Templates)
        {
            if ((uint)key.ServiceIndex >= (uint)services.Count || (uint)template.RealServerIndex >= (uint)services[key.ServiceIndex].RealServers.Count)
            {
                Fail($"template {key} names service {key.ServiceIndex} real server {template.RealServerIndex}, which do not exist", default);
            }

            // At most: a template removed as quiescent leaves its connections to a newer one of
            // the same key, which they may then uncount (see the report of this fuzz's findings).
            int placed = controlled.GetValueOrDefault(key);
            if (template.Controlled < 0 || template.Controlled > placed)
            {
                Fail($"template {key} ({template}, expired {template.IsExpired(now)}) controls {template.Controlled} connections, the table holds {placed} of its key", default);
            }
        }
    }

    private void AssertEveryPathWasReached(DirectorCounters counters)
    {
        long Unmutated(FuzzSeedKind kind, DecisionKind decision) => _bySeedUnmutated[(int)kind, (int)decision];

        Assert.All(_decisions, count => Assert.True(count > 0));
        Assert.True(Unmutated(FuzzSeedKind.ClientTcp, DecisionKind.Forward) > 10_000, "client TCP forwarded");
        Assert.True(Unmutated(FuzzSeedKind.ClientUdp, DecisionKind.Forward) > 1_000, "client UDP forwarded");
        Assert.True(Unmutated(FuzzSeedKind.ServerTcp, DecisionKind.Forward) > 1_000, "NAT TCP replies");
        Assert.True(Unmutated(FuzzSeedKind.ServerUdp, DecisionKind.Forward) > 1_000, "NAT and one-packet UDP replies");
        Assert.True(Unmutated(FuzzSeedKind.IcmpInbound, DecisionKind.Forward) > 100, "ICMP errors to a VIP forwarded");
        Assert.True(Unmutated(FuzzSeedKind.IcmpOutbound, DecisionKind.Forward) > 100, "ICMP errors from NAT servers forwarded");
        Assert.True(Unmutated(FuzzSeedKind.ArpRequest, DecisionKind.ArpReply) > 100, "ARP answered");
        Assert.True(Unmutated(FuzzSeedKind.BigTunnel, DecisionKind.Forward) > 100, "big tunnelled");
        Assert.True(_icmpForwardedIn > 100 && _icmpForwardedOut > 100, $"ICMP in {_icmpForwardedIn}, out {_icmpForwardedOut}");
        Assert.True(_tunnelled > 1_000 && _tunnelledFar > 100, $"tunnelled {_tunnelled}, far {_tunnelledFar}");
        Assert.True(_wholeQuotesForwarded > 100, $"ICMP errors quoting a whole packet forwarded {_wholeQuotesForwarded}");
        Assert.True(_fragmentationNeededSent > 100, $"fragmentation needed {_fragmentationNeededSent}");
        Assert.All(_repliesFrom, count => Assert.True(count > 0, "replies from every kind of virtual address"));
        Assert.True(_engine.Connections.Evicted > 5_000, $"evicted {_engine.Connections.Evicted}");
        Assert.True(_maxTemplates > 0 && _maxConnections == ConnectionCapacity, $"templates {_maxTemplates}, connections {_maxConnections}");
        Assert.True(counters.ArpRequests > 0, "ARP requests for unresolved next hops");
        DropReason[] expectedReasons =
        [
            DropReason.OutputTooSmall, DropReason.TruncatedEthernet, DropReason.TruncatedArp, DropReason.TruncatedIpv4,
            DropReason.BadIpVersion, DropReason.BadIpHeaderLength, DropReason.BadIpTotalLength, DropReason.BadIpChecksum,
            DropReason.Fragment, DropReason.TtlExpired, DropReason.TruncatedTcp, DropReason.BadTcpDataOffset,
            DropReason.TruncatedUdp, DropReason.BadUdpLength, DropReason.NoService, DropReason.NoConnection,
            DropReason.NoRealServer, DropReason.NeighbourUnresolved, DropReason.OrphanReply, DropReason.FragmentationNeeded,
            DropReason.TooBig, DropReason.MalformedIcmpError, DropReason.BadIcmpChecksum,
        ];
        Assert.All(expectedReasons, reason => Assert.True(counters.GetDrops(reason) > 0, $"no {reason} drop"));
    }

    private void Report(int frameCount, int seed, TimeSpan elapsed, long now)
    {
        DirectorCounters counters = _engine.Counters;
        var text = new StringBuilder();
        CultureInfo culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"Kitchen-sink fuzz: {frameCount:N0} frames, seed {seed}, {elapsed.TotalSeconds:F2} s, {frameCount / elapsed.TotalSeconds:N0} frames/s, {now / 3_600_000.0:F1} h simulated");
        text.AppendLine(culture, $"Rule sets applied {_applies}, timeouts changed {_timeoutChanges}, weights changed {_weightChanges}, neighbours forgotten {_neighbourChanges}");
        text.Append("Decisions:");
        foreach (DecisionKind kind in Enum.GetValues<DecisionKind>())
        {
            text.Append(culture, $" {kind} {_decisions[(int)kind]:N0} ({100.0 * _decisions[(int)kind] / frameCount:F1}%)");
        }

        text.AppendLine();
        text.AppendLine(culture, $"Forwarded {counters.ForwardedPackets:N0} (NAT replies {counters.ReplyPackets:N0}, tunnelled {_tunnelled:N0}, of which far {_tunnelledFar:N0}; ICMP errors in {_icmpForwardedIn:N0}, out {_icmpForwardedOut:N0}, of which quoting a whole packet {_wholeQuotesForwarded:N0}), ARP replies {counters.ArpReplies:N0}, ARP requests {counters.ArpRequests:N0}, ICMP sent {counters.IcmpSent:N0}");
        text.AppendLine(culture, $"Connections scheduled {counters.ConnectionsScheduled:N0}, evicted {_engine.Connections.Evicted:N0}, at most {_maxConnections} in the table (capacity {ConnectionCapacity}), at most {_maxTemplates} templates");
        text.AppendLine("Drop reasons:");
        foreach ((DropReason reason, long count) in counters.EnumerateDrops().Where(pair => pair.Value > 0).OrderByDescending(pair => pair.Value))
        {
            text.AppendLine(culture, $"  {reason,-28} {count,12:N0}");
        }

        text.Append(culture, $"By seed kind: {"",-12}");
        foreach (DecisionKind decision in Enum.GetValues<DecisionKind>())
        {
            text.Append(culture, $" {decision,10}");
        }

        text.AppendLine(" | of which mutated");
        foreach (FuzzSeedKind kind in Enum.GetValues<FuzzSeedKind>())
        {
            text.Append(culture, $"  {kind,-24}");
            foreach (DecisionKind decision in Enum.GetValues<DecisionKind>())
            {
                text.Append(culture, $" {_bySeed[(int)kind, (int)decision],10:N0}");
            }

            text.AppendLine(culture, $" | {_bySeed[(int)kind, KindCount],10:N0}");
        }

        output.WriteLine(text.ToString());
    }

    [StackTraceHidden]
    private void Fail(string what, Decision decision)
    {
        FuzzFrame f = _current;
        string sent = decision.Sends && decision.Length <= f.OutputLength
            ? Convert.ToHexString(_output, 0, decision.Length)
            : "-";
        Assert.Fail(
            $"""
            fuzz finding: {what}
              seed {f.Seed}, frame #{f.Index} (replay: LVSLAB_FUZZ_SEED={f.Seed} LVSLAB_FUZZ_FRAMES={f.Index + 1}), port {f.Port}, now {f.Now} ms, output buffer {f.OutputLength} bytes
              rule set {f.RuleVariant}, timeouts {f.TimeoutVariant}, built as {f.Kind}{(f.Mutated ? ", mutated" : "")}
              decision {decision}
              frame ({f.Length} bytes): {Convert.ToHexString(_frame, 0, f.Length)}
              sent: {sent}
            """);
    }

    // What is known about the frame in hand, for a failure's message.
    private readonly record struct FuzzFrame(
        int Seed, int Index, int Port, long Now, int Length, int OutputLength, int RuleVariant, FuzzSeedKind Kind, bool Mutated, int TimeoutVariant);
}
