using System.Runtime.InteropServices;
using LvsLab.Packets;

namespace LvsLab.Decap;

/// <summary>
/// The pure decision of <c>lvs-decap</c>: is a packet received on one of its raw sockets a good
/// tunnelled packet, and where in it is the inner packet? Keeps the counters. No I/O, no clock,
/// no allocation per packet. The outer IPv4 header is checked here; the inner packet by
/// <see cref="InnerPacketClassifier"/>.
/// </summary>
/// <remarks>
/// One thread calls <see cref="Process(TunnelKind, ReadOnlySpan{byte}, out int, out int)"/> and
/// <see cref="RecordWrite"/> (the receive loop serves every socket from one thread); any thread
/// may read the counters (64-bit reads and writes are atomic on the supported 64-bit platforms).
/// Every packet counts once in <see cref="Received"/> and, once its write is recorded, once in
/// either <see cref="Delivered"/> or one drop reason.
/// </remarks>
internal sealed class Decapsulator
{
    /// <summary>All drop reasons, in counter order.</summary>
    public static readonly IReadOnlyList<DecapResult> DropReasons =
    [
        DecapResult.OuterInvalid, DecapResult.OuterNotIpInIp, DecapResult.OuterFragment, DecapResult.InnerTruncated,
        DecapResult.InnerInvalid, DecapResult.InnerBadChecksum, DecapResult.WriteFailed,
        DecapResult.InnerIpv6Truncated, DecapResult.InnerIpv6Invalid, DecapResult.InnerIpv6BadExtensionHeaders,
    ];

    private readonly long[] _dropped = new long[DropReasons.Count + 1];
    private long _received;
    private long _delivered;

    /// <summary>Packets given to <see cref="Process(TunnelKind, ReadOnlySpan{byte}, out int, out int)"/>.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Inner packets written to the TUN device.</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Packets dropped, all reasons together.</summary>
    public long TotalDropped
    {
        get
        {
            long total = 0;
            for (var i = 1; i < _dropped.Length; i++)
            {
                total += Volatile.Read(ref _dropped[i]);
            }

            return total;
        }
    }

    /// <summary>Packets dropped for one reason.</summary>
    /// <param name="reason">A drop reason (not <see cref="DecapResult.Deliver"/>).</param>
    /// <returns>The count.</returns>
    public long GetDropped(DecapResult reason)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(reason, DecapResult.Deliver);
        return Volatile.Read(ref _dropped[(int)reason]);
    }

    /// <summary>
    /// Decides what to do with one packet as the raw IPv4 socket returns it (outer header first);
    /// the same as <see cref="Process(TunnelKind, ReadOnlySpan{byte}, out int, out int)"/> with
    /// <see cref="TunnelKind.Ipv4InIpv4"/>.
    /// </summary>
    /// <param name="received">The bytes received; only read.</param>
    /// <param name="innerOffset">Where the inner packet starts, when the result is <see cref="DecapResult.Deliver"/> (else 0).</param>
    /// <param name="innerLength">The inner packet's total length, when the result is <see cref="DecapResult.Deliver"/> (else 0).</param>
    /// <returns><see cref="DecapResult.Deliver"/>, or the reason to drop (already counted).</returns>
    public DecapResult Process(ReadOnlySpan<byte> received, out int innerOffset, out int innerLength) =>
        Process(TunnelKind.Ipv4InIpv4, received, out innerOffset, out innerLength);

    /// <summary>
    /// Decides what to do with one packet as the raw socket of <paramref name="kind"/> returns it:
    /// the whole outer IPv4 packet for <see cref="TunnelKind.Ipv4InIpv4"/>; for the IPv6 kinds the
    /// inner packet alone (the kernel consumed the outer IPv6 header and its extension headers),
    /// which must then be IPv6 (next header 41) or IPv4 (next header 4).
    /// </summary>
    /// <param name="kind">Which socket the bytes came from.</param>
    /// <param name="received">The bytes received (possibly empty for an IPv6 kind); only read.</param>
    /// <param name="innerOffset">Where the inner packet starts (0 for the IPv6 kinds), when the result is <see cref="DecapResult.Deliver"/> (else 0).</param>
    /// <param name="innerLength">The inner packet's length, when the result is <see cref="DecapResult.Deliver"/> (else 0).</param>
    /// <returns><see cref="DecapResult.Deliver"/>, or the reason to drop (already counted).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a <see cref="TunnelKind"/> (nothing is counted).</exception>
    public DecapResult Process(TunnelKind kind, ReadOnlySpan<byte> received, out int innerOffset, out int innerLength)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)kind, (uint)TunnelKind.Ipv4InIpv6, nameof(kind));
        _received++;
        var result = Classify(kind, received, out innerOffset, out innerLength);
        if (result != DecapResult.Deliver)
        {
            _dropped[(int)result]++;
        }

        return result;
    }

    /// <summary>Records the outcome of writing a delivered inner packet to the TUN device.</summary>
    /// <param name="succeeded">True when the whole inner packet was written.</param>
    public void RecordWrite(bool succeeded)
    {
        if (succeeded)
        {
            _delivered++;
        }
        else
        {
            _dropped[(int)DecapResult.WriteFailed]++;
        }
    }

    /// <summary>A consistent-enough copy of the counters for reporting.</summary>
    /// <returns>The snapshot.</returns>
    public DecapSnapshot Snapshot()
    {
        var dropped = new long[_dropped.Length];
        for (var i = 1; i < dropped.Length; i++)
        {
            dropped[i] = Volatile.Read(ref _dropped[i]);
        }

        return new DecapSnapshot(Received, Delivered, dropped);
    }

    /// <summary>A human-readable explanation of a drop reason, for the log.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The explanation.</returns>
    public static string Describe(DecapResult reason) => reason switch
    {
        DecapResult.OuterInvalid => "outer IPv4 header malformed or its checksum does not verify",
        DecapResult.OuterNotIpInIp => "outer protocol is not 4 (IP-in-IP)",
        DecapResult.OuterFragment => "outer packet is a fragment",
        DecapResult.InnerTruncated => "inner IPv4 packet shorter than its header or total length says",
        DecapResult.InnerInvalid => "inner IPv4 header malformed (version, IHL or total length)",
        DecapResult.InnerBadChecksum => "inner IPv4 header checksum does not verify",
        DecapResult.WriteFailed => "write to the TUN device failed",
        DecapResult.InnerIpv6Truncated => "inner IPv6 packet shorter than its header, payload length or extension headers say",
        DecapResult.InnerIpv6Invalid => "inner IPv6 header malformed (version, or a jumbogram)",
        DecapResult.InnerIpv6BadExtensionHeaders => "inner IPv6 extension headers refused (too many, hop-by-hop not first, two fragment headers, or AH, ESP or an unknown next header)",
        _ => "delivered",
    };

    private static DecapResult Classify(TunnelKind kind, ReadOnlySpan<byte> received, out int innerOffset, out int innerLength)
    {
        innerOffset = 0;

        // The packet views take Span<byte>; TryRead, TryWalk and the checksum only read, so a
        // writable view over the caller's read-only bytes is never written through.
        var packet = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(received), received.Length);
        return kind switch
        {
            TunnelKind.Ipv6InIpv6 => InnerPacketClassifier.ClassifyIpv6(packet, out innerLength),
            TunnelKind.Ipv4InIpv6 => InnerPacketClassifier.ClassifyIpv4(packet, out innerLength),
            _ => ClassifyIpv4Outer(packet, out innerOffset, out innerLength),
        };
    }

    /// <summary>The outer IPv4 header (structure, checksum, protocol 4, not a fragment), then the inner IPv4 packet after it.</summary>
    private static DecapResult ClassifyIpv4Outer(Span<byte> packet, out int innerOffset, out int innerLength)
    {
        innerOffset = 0;
        innerLength = 0;
        if (!Ipv4Packet.TryRead(packet, out var outer, out _) || !outer.IsHeaderChecksumValid)
        {
            return DecapResult.OuterInvalid;
        }

        if (outer.Protocol != IpProtocol.IpInIp)
        {
            return DecapResult.OuterNotIpInIp;
        }

        if (outer.IsFragment)
        {
            return DecapResult.OuterFragment;
        }

        // The payload ends at the outer total length, so the inner packet cannot run past it.
        var result = InnerPacketClassifier.ClassifyIpv4(outer.Payload, out innerLength);
        if (result == DecapResult.Deliver)
        {
            innerOffset = outer.HeaderLength;
        }

        return result;
    }
}
