namespace LvsLab.Packets;

/// <summary>EtherType values used by the director (IEEE 802 numbers).</summary>
public static class EtherType
{
    /// <summary>Internet Protocol version 4.</summary>
    public const ushort Ipv4 = 0x0800;

    /// <summary>Address Resolution Protocol.</summary>
    public const ushort Arp = 0x0806;

    /// <summary>IEEE 802.1Q VLAN tag.</summary>
    public const ushort Vlan = 0x8100;

    /// <summary>Internet Protocol version 6.</summary>
    public const ushort Ipv6 = 0x86DD;
}
