using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Flow;

namespace LvsLab.Bench;

/// <summary>
/// The time a forwarder adds to each packet, as its own links saw it: every IPv4 frame sent to
/// one of its MACs (inbound) is paired with the frame it sends on (outbound, from one of its MACs),
/// and the difference of their capture times is the forwarder's latency for that packet.
/// </summary>
/// <remarks>
/// <para>
/// A forwarder rewrites what it forwards: DR only the MACs; NAT the destination address and port
/// of a request, the source address and port of a reply, and the TTL; TUN wraps the whole packet
/// in a new IPv4 header (protocol 4), which is taken off again here. So a packet is known by what
/// no method changes, its identity: the protocol, the IP identification, for TCP the sequence and
/// acknowledgment numbers (Linux sends many segments with identification 0, so the identification
/// alone does not tell them apart), and one endpoint (address and port) that the forwarder leaves
/// alone, the anchor. Requests keep their source (the client) in every method; NAT replies keep
/// their destination (the client again). As the forwarder's configuration is not known here,
/// every inbound frame is filed under both anchors, and an outbound frame is looked up first by
/// its source (DR, TUN, NAT requests), then by its destination (NAT replies). A match is taken
/// out of both files.
/// </para>
/// <para>
/// Frames are taken in time order (a stable sort, so frames with the same time keep their order
/// in the input); an outbound frame pairs only with an inbound one seen before it (or at the same
/// time, listed first). When an identity repeats (the identification wraps, a segment is sent
/// again) the outbound frame pairs with the latest unmatched inbound one. A capture may drop
/// frames: an inbound frame never paired was not forwarded or its copy was not captured, an
/// outbound frame never paired was made by the forwarder itself or its original was not captured;
/// both are counted. ARP and anything else that is not IPv4 to or from the forwarder is ignored.
/// </para>
/// </remarks>
public sealed record ForwardingLatency
{
    private ForwardingLatency(int paired, int unmatchedInbound, int unmatchedOutbound, int ignored, double[] sortedMicroseconds)
    {
        Paired = paired;
        UnmatchedInbound = unmatchedInbound;
        UnmatchedOutbound = unmatchedOutbound;
        Ignored = ignored;
        LatenciesMicroseconds = sortedMicroseconds;
    }

    /// <summary>Inbound frames paired with their outbound copy.</summary>
    public int Paired { get; }

    /// <summary>Inbound frames with no outbound copy: not forwarded, or the copy was not captured.</summary>
    public int UnmatchedInbound { get; }

    /// <summary>Outbound frames with no inbound original: the forwarder's own, or the original was not captured.</summary>
    public int UnmatchedOutbound { get; }

    /// <summary>Frames that are neither inbound nor outbound IPv4 (ARP, other hosts' traffic, malformed frames).</summary>
    public int Ignored { get; }

    /// <summary>The latency of every pair, in microseconds, ascending.</summary>
    public IReadOnlyList<double> LatenciesMicroseconds { get; }

    /// <summary>The median latency, µs (NaN when nothing was paired).</summary>
    public double P50 => Percentile(50);

    /// <summary>The 90th percentile latency, µs (NaN when nothing was paired).</summary>
    public double P90 => Percentile(90);

    /// <summary>The 99th percentile latency, µs (NaN when nothing was paired).</summary>
    public double P99 => Percentile(99);

    /// <summary>The highest latency, µs (NaN when nothing was paired).</summary>
    public double Max => Percentile(100);

    /// <summary>
    /// A percentile of the latencies by the nearest-rank method: the smallest latency that at
    /// least <paramref name="percent"/> % of the pairs do not exceed (0 gives the lowest).
    /// </summary>
    /// <param name="percent">0 to 100.</param>
    /// <returns>Microseconds, or NaN when nothing was paired.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The percent is outside 0..100.</exception>
    public double Percentile(double percent)
    {
        if (percent is < 0 or > 100 || double.IsNaN(percent))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "a percentile is 0 to 100");
        }

        var count = LatenciesMicroseconds.Count;
        if (count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * count);
        return LatenciesMicroseconds[Math.Clamp(rank, 1, count) - 1];
    }

    /// <summary>Pairs the frames of a forwarder's links and measures what it added to each packet.</summary>
    /// <param name="frames">
    /// What the forwarder's links carried, each frame once, in any order (for a forwarder with two
    /// links, such as NAT's front and back, the captures of both, on one clock).
    /// </param>
    /// <param name="forwarderMacs">The forwarder's MAC addresses, <c>aa:bb:cc:dd:ee:ff</c> (one per link).</param>
    /// <returns>The counts and the latencies.</returns>
    /// <exception cref="FormatException">A MAC address is not one.</exception>
    public static ForwardingLatency Measure(IEnumerable<CapturedFrame> frames, params IReadOnlyCollection<string> forwarderMacs)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(forwarderMacs);
        if (forwarderMacs.Count == 0)
        {
            throw new ArgumentException("no MAC address of the forwarder", nameof(forwarderMacs));
        }

        var macs = forwarderMacs.Select(MacValue).ToHashSet();
        var bySource = new Dictionary<Identity, List<int>>();
        var byDestination = new Dictionary<Identity, List<int>>();
        var inboundTimes = new List<DateTime>();
        var matched = new List<bool>();
        var latencies = new List<double>();
        int outbound = 0, ignored = 0;
        foreach (var frame in frames.OrderBy(f => f.Time))
        {
            var data = frame.Data;
            var direction = data.Length < 12 ? Direction.Neither
                : macs.Contains(Mac(data.AsSpan(0, 6))) ? Direction.Inbound
                : macs.Contains(Mac(data.AsSpan(6, 6))) ? Direction.Outbound
                : Direction.Neither;
            if (direction == Direction.Neither || !FlowDecoder.TryDecode(data, out var decoded))
            {
                ignored++;
                continue;
            }

            var packet = decoded.Carried;
            if (direction == Direction.Inbound)
            {
                File(bySource, Identity.Of(packet, anchorIsSource: true), inboundTimes.Count);
                File(byDestination, Identity.Of(packet, anchorIsSource: false), inboundTimes.Count);
                inboundTimes.Add(frame.Time);
                matched.Add(false);
                continue;
            }

            outbound++;
            var original = TakeLatest(bySource, Identity.Of(packet, anchorIsSource: true), matched);
            if (original < 0)
            {
                original = TakeLatest(byDestination, Identity.Of(packet, anchorIsSource: false), matched);
            }

            if (original >= 0)
            {
                matched[original] = true;
                latencies.Add((frame.Time - inboundTimes[original]).Ticks / (double)TimeSpan.TicksPerMicrosecond);
            }
        }

        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        return new ForwardingLatency(sorted.Length, inboundTimes.Count - sorted.Length, outbound - sorted.Length, ignored, sorted);
    }

    /// <summary>One line: the counts and the percentiles.</summary>
    /// <returns>For example <c>998 paired, 2 unmatched in, 0 unmatched out; added latency µs: p50 31, p90 45, p99 80, max 212</c>.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Paired} paired, {UnmatchedInbound} unmatched in, {UnmatchedOutbound} unmatched out; added latency µs: p50 {P50:0.#}, p90 {P90:0.#}, p99 {P99:0.#}, max {Max:0.#}");

    private static void File(Dictionary<Identity, List<int>> index, Identity identity, int inbound)
    {
        if (!index.TryGetValue(identity, out var waiting))
        {
            index[identity] = waiting = [];
        }

        waiting.Add(inbound);
    }

    // The latest inbound frame of this identity not yet paired (through the other file), or -1.
    private static int TakeLatest(Dictionary<Identity, List<int>> index, Identity identity, List<bool> matched)
    {
        if (!index.TryGetValue(identity, out var waiting))
        {
            return -1;
        }

        while (waiting.Count > 0)
        {
            var candidate = waiting[^1];
            waiting.RemoveAt(waiting.Count - 1);
            if (!matched[candidate])
            {
                return candidate;
            }
        }

        return -1;
    }

    private static ulong MacValue(string text) =>
        Mac(PhysicalAddress.Parse(text.Trim()).GetAddressBytes() is { Length: 6 } bytes ? bytes : throw new FormatException($"'{text}' is not a MAC address"));

    private static ulong Mac(ReadOnlySpan<byte> six) =>
        ((ulong)BinaryPrimitives.ReadUInt16BigEndian(six) << 32) | BinaryPrimitives.ReadUInt32BigEndian(six[2..]);

    private enum Direction
    {
        Neither,
        Inbound,
        Outbound,
    }

    /// <summary>What the forwarder does not change in a packet; the anchor is the endpoint it leaves alone.</summary>
    private readonly record struct Identity(bool AnchorIsSource, IPAddress Address, int Port, int Protocol, int Identification, uint Sequence, uint Acknowledgment)
    {
        public static Identity Of(DecodedIp packet, bool anchorIsSource) => new(
            anchorIsSource,
            anchorIsSource ? packet.Source : packet.Destination,
            (anchorIsSource ? packet.SourcePort : packet.DestinationPort) ?? -1,
            packet.Protocol,
            packet.Identification,
            packet.Sequence,
            packet.Acknowledgment);
    }
}
