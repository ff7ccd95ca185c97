using System.Buffers.Binary;
using System.Globalization;

namespace LvsLab.Testing.Expectations;

/// <summary>Finds wrong IPv4 header and TCP/UDP checksums in a seen frame.</summary>
internal static class ChecksumProblems
{
    /// <summary>The checksum fields that can be checked.</summary>
    public static IReadOnlyList<PacketField> Checkable { get; } =
        [PacketField.IpChecksum, PacketField.InnerIpChecksum, PacketField.TcpChecksum, PacketField.UdpChecksum, PacketField.TransportChecksum];

    /// <summary>One line per wrong checksum, e.g. <c>IP checksum 0x1234 seen, 0xabcd is right for the header seen</c>.</summary>
    /// <param name="seen">A whole Ethernet frame.</param>
    /// <param name="checksums">The checksum fields to check (those the frame lacks are skipped).</param>
    /// <returns>The problems (none when every checksum checked is right).</returns>
    public static IReadOnlyList<string> Of(ReadOnlySpan<byte> seen, IReadOnlyList<PacketField> checksums)
    {
        var layout = FrameLayout.Of(seen);
        var problems = new List<string>();
        if (checksums.Contains(PacketField.IpChecksum))
        {
            Check(problems, "IP checksum", seen, layout.IpOffset, layout.IpHeaderLength);
        }

        if (checksums.Contains(PacketField.InnerIpChecksum))
        {
            Check(problems, "inner IP checksum", seen, layout.InnerIpOffset, layout.InnerIpHeaderLength);
        }

        bool transport = layout.TransportOffset >= 0 && (checksums.Contains(PacketField.TransportChecksum)
            || (layout.IsTcp && checksums.Contains(PacketField.TcpChecksum))
            || (layout.IsUdp && checksums.Contains(PacketField.UdpChecksum)));
        if (transport)
        {
            int at = layout.TransportOffset + (layout.IsTcp ? 16 : 6);
            ushort carried = BinaryPrimitives.ReadUInt16BigEndian(seen[at..]);
            bool none = layout.IsUdp && carried == 0;
            ushort right = InternetChecksum.Transport(seen[layout.CarriedIpOffset..layout.CarriedEnd]);
            if (!none && carried != right)
            {
                problems.Add(Line(layout.IsTcp ? "TCP checksum" : "UDP checksum", carried, right, "segment"));
            }
        }

        return problems;
    }

    private static void Check(List<string> problems, string name, ReadOnlySpan<byte> seen, int offset, int length)
    {
        if (offset < 0)
        {
            return;
        }

        ushort carried = BinaryPrimitives.ReadUInt16BigEndian(seen[(offset + 10)..]);
        ushort right = InternetChecksum.Ipv4Header(seen.Slice(offset, length));
        if (carried != right)
        {
            problems.Add(Line(name, carried, right, "header"));
        }
    }

    private static string Line(string name, ushort carried, ushort right, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"{name} 0x{carried:x4} seen, 0x{right:x4} is right for the {what} seen");
}
