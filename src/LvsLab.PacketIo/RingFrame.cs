namespace LvsLab.PacketIo;

/// <summary>
/// One received frame, in place in the receive ring (no copy). Valid until
/// <see cref="PacketSocket.Release"/>; the span may be written (e.g. to complete a checksum).
/// </summary>
public readonly ref struct RingFrame
{
    /// <summary>Wraps a ring slot.</summary>
    internal RingFrame(Span<byte> data, int wireLength, bool checksumNotReady, long timestampNanoseconds, bool vlanTagged)
    {
        VlanTagged = vlanTagged;
        Data = data;
        WireLength = wireLength;
        ChecksumNotReady = checksumNotReady;
        TimestampNanoseconds = timestampNanoseconds;
    }

    /// <summary>The frame's bytes as captured (all of it unless <see cref="Truncated"/>).</summary>
    public Span<byte> Data { get; }

    /// <summary>The frame's length on the wire.</summary>
    public int WireLength { get; }

    /// <summary>The slot was too small for the whole frame (e.g. an offloaded super-packet).</summary>
    public bool Truncated => Data.Length < WireLength;

    /// <summary>
    /// The kernel has not filled in the TCP/UDP checksum yet (the frame was sent by this machine
    /// with checksum offload, <c>TP_STATUS_CSUMNOTREADY</c>): a forwarder must complete it.
    /// </summary>
    public bool ChecksumNotReady { get; }

    /// <summary>
    /// The frame carried an 802.1Q tag, which the kernel took off into the ring's header
    /// (<c>TP_STATUS_VLAN_VALID</c>): <see cref="Data"/> is the frame without it.
    /// </summary>
    public bool VlanTagged { get; }

    /// <summary>When the kernel received it (Unix time, nanoseconds).</summary>
    public long TimestampNanoseconds { get; }
}
