using LvsLab.Director.Sync;
using LvsLab.Packets;

namespace LvsLab.Director.Tests.Sync;

/// <summary>
/// Golden synchronisation messages, assembled by hand byte by byte from the kernel's struct
/// layout (net/netfilter/ipvs/ip_vs_sync.c: struct ip_vs_sync_mesg, struct ip_vs_sync_v4, the
/// option format; flags from include/uapi/linux/ip_vs.h; states from include/net/ip_vs.h), not
/// produced by our writer. Each was cross-checked by dissecting it with Wireshark 4.0.17's IPVS
/// dissector (tshark, decoded as ipvs on UDP port 8848): it agrees field by field on every
/// header and on every entry that has no options (all of the first, second and SIP messages'
/// fields before the options; the first entry of the others). It does not go further: it steps
/// over an entry by the 36 bytes of its fixed part, not by its size, so it reads no options,
/// no padding, and misreads whatever follows an entry with options (a "malformed" packet); it
/// also splits ver_size 3/13 bits where the kernel splits it 4/12. It takes the version 0
/// vector for a version 0 message, as we do.
/// </summary>
internal static class SyncVectors
{
    public static readonly Ipv4Address Client = Ipv4Address.Parse("10.0.0.50");
    public static readonly Ipv4Address Vip = Ipv4Address.Parse("10.0.0.100");
    public static readonly Ipv4Address Rs1 = Ipv4Address.Parse("10.0.0.11");
    public static readonly Ipv4Address Rs2 = Ipv4Address.Parse("10.0.0.12");

    /// <summary>One TCP connection, direct routing, established: what a DR director syncs most.</summary>
    public static readonly byte[] OneTcpDirectRoute = Hex(
        // struct ip_vs_sync_mesg
        "00",          // reserved: 0 (in a version 0 message this byte is nr_conns)
        "01",          // syncid 1
        "002c",        // size 44 = 8 header + 36 entry
        "01",          // nr_conns 1
        "01",          // version 1 (SYNC_PROTO_VER)
        "0000",        // spare
        // struct ip_vs_sync_v4
        "00",          // type 0: IPv4
        "06",          // protocol 6: TCP
        "0024",        // ver_size: version 0 << 12 | size 36
        "00000083",    // flags: IP_VS_CONN_F_DROUTE 0x3 | IP_VS_CONN_F_NOOUTPUT 0x80
        "0001",        // state 1: IP_VS_TCP_S_ESTABLISHED
        "9c40",        // cport 40000
        "0050",        // vport 80
        "0050",        // dport 80
        "00000000",    // fwmark 0
        "00000384",    // timeout 900 s
        "0a000032",    // caddr 10.0.0.50
        "0a000064",    // vaddr 10.0.0.100
        "0a00000b");   // daddr 10.0.0.11

    public static readonly SyncEntry OneTcpDirectRouteEntry = new()
    {
        Protocol = 6,
        Flags = (SyncFlags)0x83,
        State = SyncWire.TcpEstablished,
        ClientAddress = Client,
        ClientPort = 40000,
        VirtualAddress = Vip,
        VirtualPort = 80,
        DestinationAddress = Rs1,
        DestinationPort = 80,
        TimeoutSeconds = 900,
    };

    /// <summary>
    /// A UDP NAT connection (port mapped 53 → 5353) and, after it, the persistence template that
    /// placed it, as the kernel sends a connection and then its controller.
    /// </summary>
    public static readonly byte[] UdpNatWithTemplate = Hex(
        // struct ip_vs_sync_mesg
        "00",          // reserved
        "07",          // syncid 7
        "0050",        // size 80 = 8 + 36 + 36 (36 is a multiple of 4: no padding)
        "02",          // nr_conns 2
        "01",          // version 1
        "0000",        // spare
        // entry 1: the connection
        "00",          // type 0: IPv4
        "11",          // protocol 17: UDP
        "0024",        // ver_size: size 36
        "00000100",    // flags: IP_VS_CONN_F_MASQ 0x0 | IP_VS_CONN_F_INACTIVE 0x100 (UDP is never active)
        "0000",        // state 0: IP_VS_UDP_S_NORMAL
        "c350",        // cport 50000
        "0035",        // vport 53
        "14e9",        // dport 5353 (the NAT server's port)
        "00000000",    // fwmark 0
        "0000012c",    // timeout 300 s
        "0a010032",    // caddr 10.1.0.50
        "0a010064",    // vaddr 10.1.0.100
        "0a02000c",    // daddr 10.2.0.12
        // entry 2: the template <protocol, caddr, 0, vaddr, vport, daddr, dport>
        "00",          // type 0
        "11",          // protocol 17
        "0024",        // ver_size: size 36
        "00001100",    // flags: IP_VS_CONN_F_TEMPLATE 0x1000 | INACTIVE 0x100 | MASQ 0x0
        "0000",        // state 0: IP_VS_CTPL_S_NONE
        "0000",        // cport 0: a template has none
        "0035",        // vport 53
        "14e9",        // dport 5353
        "00000000",    // fwmark 0
        "00000258",    // timeout 600 s (the service's persistence timeout)
        "0a010032",    // caddr 10.1.0.50 (the client network under a /32 netmask)
        "0a010064",    // vaddr 10.1.0.100
        "0a02000c");   // daddr 10.2.0.12

    public static readonly SyncEntry UdpNatEntry = new()
    {
        Protocol = 17,
        Flags = SyncFlags.Inactive,
        State = SyncWire.UdpNormal,
        ClientAddress = Ipv4Address.Parse("10.1.0.50"),
        ClientPort = 50000,
        VirtualAddress = Ipv4Address.Parse("10.1.0.100"),
        VirtualPort = 53,
        DestinationAddress = Ipv4Address.Parse("10.2.0.12"),
        DestinationPort = 5353,
        TimeoutSeconds = 300,
    };

    public static readonly SyncEntry UdpNatTemplateEntry = UdpNatEntry with
    {
        Flags = SyncFlags.Template | SyncFlags.Inactive,
        State = SyncWire.TemplateNone,
        ClientPort = 0,
        TimeoutSeconds = 600,
    };

    /// <summary>
    /// A TCP NAT connection whose payload a helper resized (FTP), with the sequence option; its
    /// 62 bytes are padded to 64 before the next entry, a DR connection.
    /// </summary>
    public static readonly byte[] SequenceOptionAndPadding = Hex(
        // struct ip_vs_sync_mesg
        "00",          // reserved
        "01",          // syncid 1
        "006c",        // size 108 = 8 + 62 + 2 padding + 36
        "02",          // nr_conns 2
        "01",          // version 1
        "0000",        // spare
        // entry 1
        "00",          // type 0: IPv4
        "06",          // protocol 6: TCP
        "003e",        // ver_size: size 62 = 36 + 2 option header + 24 (padding not counted)
        "00000600",    // flags: MASQ 0x0 | IP_VS_CONN_F_OUT_SEQ 0x200 | IP_VS_CONN_F_IN_SEQ 0x400
        "0001",        // state 1: ESTABLISHED
        "8ae3",        // cport 35555
        "0015",        // vport 21
        "0015",        // dport 21
        "00000000",    // fwmark 0
        "00000384",    // timeout 900 s
        "c000020a",    // caddr 192.0.2.10
        "c6336401",    // vaddr 198.51.100.1
        "0a02000b",    // daddr 10.2.0.11
        "01",          // option type 1: IPVS_OPT_SEQ_DATA
        "18",          // option length 24: struct ip_vs_sync_conn_options
        "11223344",    // in_seq.init_seq
        "00000005",    // in_seq.delta +5
        "00000000",    // in_seq.previous_delta
        "55667788",    // out_seq.init_seq
        "fffffffb",    // out_seq.delta -5
        "00000000",    // out_seq.previous_delta
        "0000",        // padding: the next entry starts at offset 72, a multiple of 4
        // entry 2
        "00",          // type 0
        "06",          // protocol 6
        "0024",        // ver_size: size 36
        "00000083",    // flags: DROUTE | NOOUTPUT
        "0001",        // state 1: ESTABLISHED
        "9c41",        // cport 40001
        "0050",        // vport 80
        "0050",        // dport 80
        "00000000",    // fwmark 0
        "00000384",    // timeout 900 s
        "0a000032",    // caddr 10.0.0.50
        "0a000064",    // vaddr 10.0.0.100
        "0a00000c");   // daddr 10.0.0.12

    public static readonly SyncEntry SequenceEntry = new()
    {
        Protocol = 6,
        Flags = SyncFlags.OutSequence | SyncFlags.InSequence,
        State = SyncWire.TcpEstablished,
        ClientAddress = Ipv4Address.Parse("192.0.2.10"),
        ClientPort = 35555,
        VirtualAddress = Ipv4Address.Parse("198.51.100.1"),
        VirtualPort = 21,
        DestinationAddress = Ipv4Address.Parse("10.2.0.11"),
        DestinationPort = 21,
        TimeoutSeconds = 900,
        Sequences = new SyncSequences(new SyncSequence(0x11223344, 5, 0), new SyncSequence(0x55667788, unchecked((uint)-5), 0)),
    };

    public static readonly SyncEntry SequenceNextEntry = OneTcpDirectRouteEntry with { ClientPort = 40001, DestinationAddress = Rs2 };

    /// <summary>A SIP connection with persistence-engine data (the Call-ID) and the engine's name.</summary>
    public static readonly byte[] PersistenceEngineData = Hex(
        // struct ip_vs_sync_mesg
        "00",          // reserved
        "02",          // syncid 2
        "003b",        // size 59 = 8 + 51 (no padding after the last entry)
        "01",          // nr_conns 1
        "01",          // version 1
        "0000",        // spare
        // struct ip_vs_sync_v4
        "00",          // type 0
        "11",          // protocol 17: UDP
        "0033",        // ver_size: size 51 = 36 + (2 + 8) + (2 + 3)
        "00000183",    // flags: DROUTE | NOOUTPUT | INACTIVE
        "0000",        // state 0: IP_VS_UDP_S_NORMAL
        "13c4",        // cport 5060
        "13c4",        // vport 5060
        "13c4",        // dport 5060
        "00000000",    // fwmark 0
        "0000012c",    // timeout 300 s
        "0a000032",    // caddr 10.0.0.50
        "0a000064",    // vaddr 10.0.0.100
        "0a00000b",    // daddr 10.0.0.11
        "02",          // option type 2: IPVS_OPT_PE_DATA
        "08",          // option length 8
        "6138346234633736", // "a84b4c76", the Call-ID
        "03",          // option type 3: IPVS_OPT_PE_NAME
        "03",          // option length 3
        "736970");     // "sip"

    public static readonly SyncEntry PersistenceEngineEntry = new()
    {
        Protocol = 17,
        Flags = (SyncFlags)0x183,
        State = SyncWire.UdpNormal,
        ClientAddress = Client,
        ClientPort = 5060,
        VirtualAddress = Vip,
        VirtualPort = 5060,
        DestinationAddress = Rs1,
        DestinationPort = 5060,
        TimeoutSeconds = 300,
        PersistenceData = "a84b4c76"u8.ToArray(),
        PersistenceEngine = "sip",
    };

    /// <summary>
    /// Entries a backup passes over, one by one (read only: our writer writes none of these): an
    /// IPv6 entry, an IPv4 entry with an unknown optional option (the entry is taken, the option
    /// skipped), and an IPv4 entry with an unknown mandatory option (the entry is dropped).
    /// </summary>
    public static readonly byte[] SkippedEntries = Hex(
        // struct ip_vs_sync_mesg
        "00",          // reserved
        "01",          // syncid 1
        "009f",        // size 159 = 8 + 72 + 40 + 39
        "03",          // nr_conns 3
        "01",          // version 1
        "0000",        // spare
        // entry 1: struct ip_vs_sync_v6
        "01",          // type 1: STYPE_F_INET6
        "06",          // protocol 6
        "0048",        // ver_size: size 72
        "00000083",    // flags
        "0001",        // state ESTABLISHED
        "9c40", "0050", "0050", // cport, vport, dport
        "00000000",    // fwmark
        "00000384",    // timeout 900 s
        "20010db8000000000000000000000050", // caddr 2001:db8::50
        "20010db8000000000000000000000100", // vaddr 2001:db8::100
        "20010db8000000000000000000000011", // daddr 2001:db8::11
        // entry 2: IPv4 with an unknown optional option
        "00", "06",
        "0028",        // ver_size: size 40 = 36 + 4
        "00000083", "0001", "9c42", "0050", "0050", "00000000", "00000384",
        "0a000032", "0a000064", "0a00000b",
        "45",          // option type 5 | IPVS_OPT_F_PARAM 0x40: unknown, optional
        "02",          // option length 2
        "abcd",        // option data
        // entry 3: IPv4 with an unknown mandatory option
        "00", "06",
        "0027",        // ver_size: size 39 = 36 + 3
        "00000083", "0001", "9c43", "0050", "0050", "00000000", "00000384",
        "0a000032", "0a000064", "0a00000b",
        "05",          // option type 5 without IPVS_OPT_F_PARAM: unknown, mandatory
        "01",          // option length 1
        "ee");         // option data

    public static readonly SyncEntry SkippedEntriesTaken = OneTcpDirectRouteEntry with { ClientPort = 40002 };

    /// <summary>A version 0 message (the kernel's sync_version=0) with one 24-byte entry.</summary>
    public static readonly byte[] Version0 = Hex(
        "01",          // nr_conns 1
        "01",          // syncid 1
        "001c",        // size 28 = 4 + 24
        // struct ip_vs_sync_conn_v0
        "00", "06", "9c40", "0050", "0050", "0a000032", "0a000064", "0a00000b",
        "0083",        // flags (16 bits in v0)
        "0001");       // state

    public static byte[] Hex(params string[] groups) => Convert.FromHexString(string.Concat(groups));
}
