using LvsLab.Packets;

namespace LvsLab.Director.Sync;

/// <summary>
/// One synchronised connection or persistence template, as an IPv4 entry of a version 1
/// message carries it (the kernel's <c>struct ip_vs_sync_v4</c> and its options). A plain value:
/// what <see cref="SyncMessage"/> reads and <see cref="SyncMessageWriter"/> writes; what it means
/// for the director is <see cref="SyncConnectionMapping"/>'s business.
/// </summary>
public readonly record struct SyncEntry
{
    /// <summary>The IP protocol number: 6 TCP, 17 UDP; 0 (<c>IPPROTO_IP</c>) for a firewall-mark service's template.</summary>
    public byte Protocol { get; init; }

    /// <summary>The connection flags, forwarding method in the low bits.</summary>
    public SyncFlags Flags { get; init; }

    /// <summary>The state number: <c>IP_VS_TCP_S_*</c>, <c>IP_VS_UDP_S_NORMAL</c>, or <c>IP_VS_CTPL_S_*</c> for a template (see <see cref="SyncWire"/>).</summary>
    public ushort State { get; init; }

    /// <summary>The client's address (CIP; a template: the client network under the persistence netmask).</summary>
    public Ipv4Address ClientAddress { get; init; }

    /// <summary>The client's port (0 in a template).</summary>
    public ushort ClientPort { get; init; }

    /// <summary>The virtual address (VIP; a firewall-mark template: the mark).</summary>
    public Ipv4Address VirtualAddress { get; init; }

    /// <summary>The virtual port.</summary>
    public ushort VirtualPort { get; init; }

    /// <summary>The real server's address (the kernel's destination, <c>daddr</c>).</summary>
    public Ipv4Address DestinationAddress { get; init; }

    /// <summary>The real server's port (<c>dport</c>).</summary>
    public ushort DestinationPort { get; init; }

    /// <summary>The firewall mark the connection's packets carried; 0 for none.</summary>
    public uint FirewallMark { get; init; }

    /// <summary>
    /// How long the entry is to live at the backup, in seconds, from when it is installed; 0
    /// means "the state's default" (a backup then uses its own timeout for the state).
    /// </summary>
    public uint TimeoutSeconds { get; init; }

    /// <summary>The sequence option (<c>IPVS_OPT_SEQ_DATA</c>), or null when the entry has none.</summary>
    public SyncSequences? Sequences { get; init; }

    /// <summary>Persistence-engine data (<c>IPVS_OPT_PE_DATA</c>, e.g. a SIP Call-ID); empty for none.</summary>
    public ReadOnlyMemory<byte> PersistenceData { get; init; }

    /// <summary>The persistence engine's name (<c>IPVS_OPT_PE_NAME</c>, ASCII, e.g. <c>sip</c>); null for none.</summary>
    public string? PersistenceEngine { get; init; }

    /// <summary>The forwarding method, the flags' low three bits.</summary>
    public SyncForwarding Forwarding => (SyncForwarding)((uint)Flags & SyncWire.FlagForwardingMask);

    /// <summary>True for a persistence template (<see cref="SyncFlags.Template"/>).</summary>
    public bool IsTemplate => (Flags & SyncFlags.Template) != 0;

    /// <summary>True when the entry counts as inactive (<see cref="SyncFlags.Inactive"/>).</summary>
    public bool IsInactive => (Flags & SyncFlags.Inactive) != 0;
}
