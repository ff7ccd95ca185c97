namespace LvsLab.PacketIo;

/// <summary>How a <see cref="PacketSocket"/> is opened.</summary>
public sealed record PacketSocketOptions
{
    /// <summary>Bytes per slot of the receive ring (a power of two, at least 2048): the largest frame it holds whole is this less about 80 bytes of ring header.</summary>
    public int FrameSize { get; init; } = 2048;

    /// <summary>Slots in the receive ring: how many frames the kernel can queue while the reader is busy.</summary>
    public int FrameCount { get; init; } = 4096;

    /// <summary>Receive frames addressed to other MACs too.</summary>
    public bool Promiscuous { get; init; } = true;

    /// <summary>Send straight to the driver, skipping the traffic-control queue (<c>PACKET_QDISC_BYPASS</c>).</summary>
    public bool QdiscBypass { get; init; } = true;

    /// <summary>Do not receive the frames this machine sends on the interface (<c>PACKET_IGNORE_OUTGOING</c>, Linux 4.20+).</summary>
    public bool IgnoreOutgoing { get; init; } = true;

    /// <summary>
    /// Joins this fanout group (<c>PACKET_FANOUT</c>, by flow hash): the interface's frames are
    /// spread over the group's sockets, each flow always to the same one. 0: no group.
    /// </summary>
    public ushort FanoutGroup { get; init; }

    /// <summary>Checks the geometry; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    internal void Validate()
    {
        if (FrameSize < 2048 || FrameSize > 65536 || (FrameSize & (FrameSize - 1)) != 0)
        {
            throw new ArgumentException($"ring frame size {FrameSize}: a power of two from 2048 to 65536");
        }

        if (FrameCount < 8 || FrameCount > 1 << 20)
        {
            throw new ArgumentException($"ring frame count {FrameCount}: 8 to 1048576");
        }
    }
}
