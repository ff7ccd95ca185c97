using System.Buffers.Binary;
using System.Net;
using LvsLab.Testing.Capture;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// A named predicate over captured frames: which frames a verification looks at (e.g. leave
/// out ARP and LLDP), or which frames must not be seen. The name appears in evidence.
/// </summary>
/// <param name="name">What the filter keeps, in words.</param>
/// <param name="predicate">True for the frames kept.</param>
public sealed class FrameFilter(string name, Func<CapturedFrame, bool> predicate)
{
    private const int EtherTypeOffset = 12;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeArp = 0x0806;
    private const ushort EtherTypeLldp = 0x88CC;

    /// <summary>Every frame.</summary>
    public static FrameFilter All { get; } = new("any frame", _ => true);

    /// <summary>Frames carrying IPv4 (EtherType 0x0800).</summary>
    public static FrameFilter Ipv4 { get; } = new("IPv4", f => EtherType(f) == EtherTypeIpv4);

    /// <summary>Every frame except ARP and LLDP (the link's own chatter).</summary>
    public static FrameFilter NotArpOrLldp { get; } = new("not ARP or LLDP", f => EtherType(f) is not (EtherTypeArp or EtherTypeLldp));

    /// <summary>What the filter keeps, in words.</summary>
    public string Name { get; } = name;

    /// <summary>IPv4 frames from or to <paramref name="address"/> (the outer header of a tunnel).</summary>
    /// <param name="address">The address.</param>
    /// <returns>The filter.</returns>
    public static FrameFilter Involving(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new($"IPv4 from or to {address}", f => f.IsIp(address, null) || f.IsIp(null, address));
    }

    /// <summary>Whether <paramref name="frame"/> is kept.</summary>
    /// <param name="frame">A captured frame.</param>
    /// <returns>True when kept.</returns>
    public bool Matches(CapturedFrame frame) => predicate(frame);

    /// <summary>A filter keeping the frames both keep.</summary>
    /// <param name="other">The other filter.</param>
    /// <returns>The combined filter.</returns>
    public FrameFilter And(FrameFilter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new($"{Name} and {other.Name}", f => Matches(f) && other.Matches(f));
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static int EtherType(CapturedFrame frame) =>
        frame.Data.Length >= EtherTypeOffset + 2 ? BinaryPrimitives.ReadUInt16BigEndian(frame.Data.AsSpan(EtherTypeOffset)) : -1;
}
