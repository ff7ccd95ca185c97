namespace LvsLab.Director.Sync;

/// <summary>
/// Every wire constant of the IPVS connection-synchronisation protocol, version 1, in one place:
/// the layout of the kernel's <c>struct ip_vs_sync_mesg</c> and <c>struct ip_vs_sync_v4</c>
/// (net/netfilter/ipvs/ip_vs_sync.c), the option types, the connection flags
/// (<c>IP_VS_CONN_F_*</c>, include/uapi/linux/ip_vs.h) and the state numbers
/// (<c>IP_VS_TCP_S_*</c>, <c>IP_VS_UDP_S_*</c>, <c>IP_VS_CTPL_S_*</c>, include/net/ip_vs.h).
/// Each constant's documentation names the kernel's.
/// </summary>
/// <remarks>
/// A message is one UDP datagram (to 224.0.0.81:8848 by default), all fields big-endian:
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   reserved 0  |    sync id    |     size (whole datagram)     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   nr_conns    |  version = 1  |           spare 0             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  entry 1, then zero padding to a multiple of 4, entry 2, ...  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// An IPv4 entry (36 bytes, then its options):
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   type 0      |   protocol    | ver 0 |  size (entry, no pad) |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                            flags                              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            state              |            cport              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            vport              |            dport              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                            fwmark                             |
/// |                        timeout (seconds)                      |
/// |                     caddr, vaddr, daddr                       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | option type   | option length |  option data ...              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// The message's size counts the padding between entries but none after the last; an entry's
/// size counts its options but not its padding. A version 0 message (the kernel's
/// <c>sync_version=0</c>) starts with its entry count where version 1 has the reserved zero,
/// which is how a receiver tells them apart.
/// </remarks>
public static class SyncWire
{
    // ---- The message header (struct ip_vs_sync_mesg) ----

    /// <summary>Length of the version 1 header: <c>sizeof(struct ip_vs_sync_mesg)</c>.</summary>
    public const int HeaderLength = 8;

    /// <summary>Length of the version 0 header: <c>sizeof(struct ip_vs_sync_mesg_v0)</c>.</summary>
    public const int Version0HeaderLength = 4;

    /// <summary>The protocol version this codec speaks: <c>SYNC_PROTO_VER</c>.</summary>
    public const byte ProtocolVersion = 1;

    /// <summary>The most entries in one message: <c>nr_conns</c> is one byte.</summary>
    public const int MaxEntriesPerMessage = 255;

    /// <summary>The UDP port the kernel sends to by default: <c>IP_VS_SYNC_PORT</c>.</summary>
    public const int DefaultPort = 8848;

    /// <summary>The multicast group the kernel sends to by default, 224.0.0.81: <c>IP_VS_SYNC_GROUP</c>.</summary>
    public const uint DefaultGroup = 0xE000_0051;

    /// <summary>
    /// The master's default largest message: <c>sync_maxlen</c> = a 1500-byte MTU less the IPv4
    /// (20) and UDP (8) headers, as <c>start_sync_thread</c> sets it when none is configured.
    /// </summary>
    public const int DefaultMaxPayload = 1500 - 20 - 8;

    /// <summary>The largest payload a UDP datagram over IPv4 can carry (the kernel's upper clamp of <c>sync_maxlen</c>).</summary>
    public const int MaxPayloadLimit = 65535 - 20 - 8;

    /// <summary>
    /// The smallest maximum payload the writer accepts: a header and the longest possible entry,
    /// so that every entry fits a message of its own.
    /// </summary>
    public const int MinMaxPayload = HeaderLength + MaxEntryLength;

    internal const int ReservedOffset = 0;   // reserved: zero (v0: nr_conns)
    internal const int SyncIdOffset = 1;     // syncid
    internal const int SizeOffset = 2;       // size, __be16
    internal const int CountOffset = 4;      // nr_conns
    internal const int VersionOffset = 5;    // version
    internal const int SpareOffset = 6;      // spare, __u16

    // ---- An entry (struct ip_vs_sync_v4) ----

    /// <summary>Length of an IPv4 entry without options: <c>sizeof(struct ip_vs_sync_v4)</c>.</summary>
    public const int EntryLength = 36;

    /// <summary>Length of an IPv6 entry without options: <c>sizeof(struct ip_vs_sync_v6)</c>.</summary>
    public const int Ipv6EntryLength = 72;

    /// <summary>Entries start at offsets that are multiples of this (the kernel pads before the next).</summary>
    public const int EntryAlignment = 4;

    /// <summary>
    /// The longest IPv4 entry: the fixed part, the sequence option, persistence-engine data of
    /// <see cref="MaxPersistenceDataLength"/> bytes and a name of <see cref="MaxPersistenceEngineNameLength"/>.
    /// </summary>
    public const int MaxEntryLength =
        EntryLength + OptionHeaderLength + SequenceOptionLength
        + OptionHeaderLength + MaxPersistenceDataLength
        + OptionHeaderLength + MaxPersistenceEngineNameLength;

    internal const int TypeOffset = 0;         // type
    internal const int ProtocolOffset = 1;     // protocol
    internal const int VersionSizeOffset = 2;  // ver_size, __be16
    internal const int FlagsOffset = 4;        // flags, __be32
    internal const int StateOffset = 8;        // state, __be16
    internal const int ClientPortOffset = 10;  // cport
    internal const int VirtualPortOffset = 12; // vport
    internal const int DestinationPortOffset = 14; // dport
    internal const int FirewallMarkOffset = 16;    // fwmark, __be32
    internal const int TimeoutOffset = 20;         // timeout, __be32, seconds
    internal const int ClientAddressOffset = 24;   // caddr
    internal const int VirtualAddressOffset = 28;  // vaddr
    internal const int DestinationAddressOffset = 32; // daddr

    /// <summary>The entry type of an IPv4 entry (no bits set).</summary>
    public const byte TypeIpv4 = 0;

    /// <summary>The type bit of an IPv6 entry: <c>STYPE_F_INET6</c> (<c>1 &lt;&lt; STYPE_INET6</c>).</summary>
    public const byte TypeIpv6Flag = 1 << 0;

    /// <summary>Where the entry's version sits in <c>ver_size</c>: <c>SVER_SHIFT</c>.</summary>
    public const int EntryVersionShift = 12;

    /// <summary>The entry's size in <c>ver_size</c>: <c>SVER_MASK</c>.</summary>
    public const ushort EntrySizeMask = 0x0FFF;

    // ---- Options after an entry's fixed part ----

    /// <summary>Length of an option's type and length bytes.</summary>
    public const int OptionHeaderLength = 2;

    /// <summary>Sequence adjustments (NAT with a helper that resizes payloads): <c>IPVS_OPT_SEQ_DATA</c>.</summary>
    public const byte OptionSequence = 1;

    /// <summary>Persistence-engine data (SIP's Call-ID): <c>IPVS_OPT_PE_DATA</c>.</summary>
    public const byte OptionPersistenceData = 2;

    /// <summary>The persistence engine's name (e.g. <c>sip</c>): <c>IPVS_OPT_PE_NAME</c>.</summary>
    public const byte OptionPersistenceEngineName = 3;

    /// <summary>
    /// The bit that makes an option type optional: <c>IPVS_OPT_F_PARAM</c>
    /// (<c>1 &lt;&lt; (IPVS_OPT_PARAM - 1)</c>). A receiver skips an unknown optional option, and
    /// drops the one entry that carries an unknown option without it.
    /// </summary>
    public const byte OptionOptionalFlag = 1 << (7 - 1);

    /// <summary>
    /// Length of the sequence option's data: <c>sizeof(struct ip_vs_sync_conn_options)</c>, the
    /// input then the output <c>struct ip_vs_seq</c> (initial sequence, delta, previous delta).
    /// </summary>
    public const int SequenceOptionLength = 24;

    /// <summary>The longest persistence-engine data: <c>IP_VS_PEDATA_MAXLEN</c>.</summary>
    public const int MaxPersistenceDataLength = 255;

    /// <summary>The longest persistence engine name: <c>IP_VS_PENAME_MAXLEN</c>.</summary>
    public const int MaxPersistenceEngineNameLength = 16;

    // ---- Connection flags (IP_VS_CONN_F_*); only bits 0..15 travel ----

    /// <summary>The forwarding method bits: <c>IP_VS_CONN_F_FWD_MASK</c>.</summary>
    public const uint FlagForwardingMask = 0x0007;

    /// <summary>Forwarding method NAT (masquerading): <c>IP_VS_CONN_F_MASQ</c>.</summary>
    public const uint FlagMasquerade = 0x0000;

    /// <summary>Forwarding method local node: <c>IP_VS_CONN_F_LOCALNODE</c>.</summary>
    public const uint FlagLocalNode = 0x0001;

    /// <summary>Forwarding method tunnelling: <c>IP_VS_CONN_F_TUNNEL</c>.</summary>
    public const uint FlagTunnel = 0x0002;

    /// <summary>Forwarding method direct routing: <c>IP_VS_CONN_F_DROUTE</c>.</summary>
    public const uint FlagDirectRoute = 0x0003;

    /// <summary>Forwarding method cache bypass: <c>IP_VS_CONN_F_BYPASS</c>.</summary>
    public const uint FlagBypass = 0x0004;

    /// <summary>The entry was created by synchronisation: <c>IP_VS_CONN_F_SYNC</c>.</summary>
    public const uint FlagSync = 0x0020;

    /// <summary>The entry is hashed (never meaningful on the wire): <c>IP_VS_CONN_F_HASHED</c>.</summary>
    public const uint FlagHashed = 0x0040;

    /// <summary>No packets come back through the director (every method but NAT): <c>IP_VS_CONN_F_NOOUTPUT</c>.</summary>
    public const uint FlagNoOutput = 0x0080;

    /// <summary>Not established (counts as an inactive connection): <c>IP_VS_CONN_F_INACTIVE</c>.</summary>
    public const uint FlagInactive = 0x0100;

    /// <summary>Output sequence numbers need adjusting: <c>IP_VS_CONN_F_OUT_SEQ</c>.</summary>
    public const uint FlagOutSequence = 0x0200;

    /// <summary>Input sequence numbers need adjusting: <c>IP_VS_CONN_F_IN_SEQ</c>.</summary>
    public const uint FlagInSequence = 0x0400;

    /// <summary>No client port yet (FTP data): <c>IP_VS_CONN_F_NO_CPORT</c>.</summary>
    public const uint FlagNoClientPort = 0x0800;

    /// <summary>A persistence template, not a connection: <c>IP_VS_CONN_F_TEMPLATE</c>.</summary>
    public const uint FlagTemplate = 0x1000;

    /// <summary>One-packet scheduling (never synchronised): <c>IP_VS_CONN_F_ONE_PACKET</c>.</summary>
    public const uint FlagOnePacket = 0x2000;

    /// <summary>
    /// The flags a backup takes from an entry: <c>IP_VS_CONN_F_BACKUP_MASK</c> (forwarding
    /// method, no-output, inactive, sequence, no client port, template).
    /// </summary>
    public const uint FlagBackupMask =
        FlagForwardingMask | FlagNoOutput | FlagInactive | FlagOutSequence | FlagInSequence | FlagNoClientPort | FlagTemplate;

    // ---- States ----

    /// <summary>TCP state <c>IP_VS_TCP_S_NONE</c>.</summary>
    public const ushort TcpNone = 0;

    /// <summary>TCP state <c>IP_VS_TCP_S_ESTABLISHED</c>.</summary>
    public const ushort TcpEstablished = 1;

    /// <summary>TCP state <c>IP_VS_TCP_S_SYN_SENT</c>.</summary>
    public const ushort TcpSynSent = 2;

    /// <summary>TCP state <c>IP_VS_TCP_S_SYN_RECV</c>.</summary>
    public const ushort TcpSynReceived = 3;

    /// <summary>TCP state <c>IP_VS_TCP_S_FIN_WAIT</c>.</summary>
    public const ushort TcpFinWait = 4;

    /// <summary>TCP state <c>IP_VS_TCP_S_TIME_WAIT</c>.</summary>
    public const ushort TcpTimeWait = 5;

    /// <summary>TCP state <c>IP_VS_TCP_S_CLOSE</c>.</summary>
    public const ushort TcpClose = 6;

    /// <summary>TCP state <c>IP_VS_TCP_S_CLOSE_WAIT</c>.</summary>
    public const ushort TcpCloseWait = 7;

    /// <summary>TCP state <c>IP_VS_TCP_S_LAST_ACK</c>.</summary>
    public const ushort TcpLastAck = 8;

    /// <summary>TCP state <c>IP_VS_TCP_S_LISTEN</c>.</summary>
    public const ushort TcpListen = 9;

    /// <summary>TCP state <c>IP_VS_TCP_S_SYNACK</c>.</summary>
    public const ushort TcpSynAck = 10;

    /// <summary>The number of TCP states: <c>IP_VS_TCP_S_LAST</c>; a backup skips an entry with a state at or above it.</summary>
    public const ushort TcpStateCount = 11;

    /// <summary>UDP's only state: <c>IP_VS_UDP_S_NORMAL</c>.</summary>
    public const ushort UdpNormal = 0;

    /// <summary>The number of UDP states: <c>IP_VS_UDP_S_LAST</c>.</summary>
    public const ushort UdpStateCount = 1;

    /// <summary>A template's state: <c>IP_VS_CTPL_S_NONE</c>.</summary>
    public const ushort TemplateNone = 0;

    /// <summary>A template's state once assured: <c>IP_VS_CTPL_S_ASSURED</c>.</summary>
    public const ushort TemplateAssured = 1;

    // ---- Protocols ----

    /// <summary>The protocol of a firewall-mark service's template: <c>IPPROTO_IP</c> (its vaddr holds the mark).</summary>
    public const byte ProtocolFirewallMarkTemplate = 0;

    /// <summary>TCP: <c>IPPROTO_TCP</c>.</summary>
    public const byte ProtocolTcp = 6;

    /// <summary>UDP: <c>IPPROTO_UDP</c>.</summary>
    public const byte ProtocolUdp = 17;

    /// <summary>The port of FTP control (<c>FTPPORT</c>): a persistent FTP service's template carries ports 0.</summary>
    public const ushort FtpPort = 21;
}
