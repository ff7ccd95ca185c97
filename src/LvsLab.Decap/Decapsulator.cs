using System.Runtime.InteropServices;
using LvsLab.Packets;

namespace LvsLab.Decap;

/// <summary>
/// The pure decision of <c>lvs-decap</c>: is a packet received on a raw protocol-4 socket a good
/// IP-in-IP packet, and where in it is the inner packet? Keeps the counters. No I/O, no clock,
/// no allocation per packet.
/// </summary>
/// <remarks>
/// One thread calls <see cref="Process"/> and <see cref="RecordWrite"/>; any thread may read the
/// counters (64-bit reads and writes are atomic on the supported 64-bit platforms). Every packet
/// counts once in <see cref="Received"/> and, once its write is recorded, once in either
/// <see cref="Delivered"/> or one drop reason.
/// </remarks>
internal sealed class Decapsulator
{
    /// <summary>All drop reasons, in counter order.</summary>
    public static readonly IReadOnlyList<DecapResult> DropReasons =
    [
        DecapResult.OuterInvalid, DecapResult.OuterNotIpInIp, DecapResult.OuterFragment, DecapResult.InnerTruncated,
        DecapResult.InnerInvalid, DecapResult.InnerBadChecksum, DecapResult.WriteFailed,
    ];

    private readonly long[] _dropped = new long[(int)DecapResult.WriteFailed + 1];
    private long _received;
    private long _delivered;

    /// <summary>Packets given to <see cref="Process"/>.</summary>
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
    /// Decides what to do with one packet as a raw IPv4 socket returns it (outer header first).
    /// </summary>
    /// <param name="received">The bytes received; only read.</param>
    /// <param name="innerOffset">Where the inner packet starts, when the result is <see cref="DecapResult.Deliver"/> (else 0).</param>
    /// <param name="innerLength">The inner packet's total length, when the result is <see cref="DecapResult.Deliver"/> (else 0).</param>
    /// <returns><see cref="DecapResult.Deliver"/>, or the reason to drop (already counted).</returns>
    public DecapResult Process(ReadOnlySpan<byte> received, out int innerOffset, out int innerLength)
    {
        _received++;
        var result = Classify(received, out innerOffset, out innerLength);
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
        DecapResult.InnerTruncated => "inner packet shorter than its header or total length says",
        DecapResult.InnerInvalid => "inner IPv4 header malformed (version, IHL or total length)",
        DecapResult.InnerBadChecksum => "inner IPv4 header checksum does not verify",
        DecapResult.WriteFailed => "write to the TUN device failed",
        _ => "delivered",
    };

    private static DecapResult Classify(ReadOnlySpan<byte> received, out int innerOffset, out int innerLength)
    {
        innerOffset = 0;
        innerLength = 0;

        // The packet views take Span<byte>; TryUnwrap, TryRead and the checksum only read, so a
        // writable view over the caller's read-only bytes is never written through.
        var packet = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(received), received.Length);
        if (!IpInIp.TryUnwrap(packet, out var inner, out var error))
        {
            return ClassifyFailure(packet, error);
        }

        if (!inner.IsHeaderChecksumValid)
        {
            return DecapResult.InnerBadChecksum;
        }

        // TryUnwrap succeeded, so the outer header is valid and the inner packet starts right
        // after it (IHL × 4 bytes in).
        innerOffset = new Ipv4Packet(packet).HeaderLength;
        innerLength = inner.TotalLength;
        return DecapResult.Deliver;
    }

    /// <summary>
    /// TryUnwrap reports one error for both headers; tell them apart by checking the outer header
    /// again (this path runs for bad packets only).
    /// </summary>
    private static DecapResult ClassifyFailure(Span<byte> packet, PacketError error)
    {
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

        // The outer header is fine, so the error came from reading the inner header.
        var payload = outer.Payload;
        return error switch
        {
            PacketError.Truncated or PacketError.TotalLengthBeyondBuffer => DecapResult.InnerTruncated,

            // IHL below 5 is malformed; an IHL whose header runs past the data is truncation.
            PacketError.BadHeaderLength when payload.Length >= 1 && (payload[0] & 0x0F) >= 5 => DecapResult.InnerTruncated,
            _ => DecapResult.InnerInvalid,
        };
    }
}
