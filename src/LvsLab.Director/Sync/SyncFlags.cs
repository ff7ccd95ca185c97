namespace LvsLab.Director.Sync;

/// <summary>
/// The connection flags of a synchronised entry (<c>IP_VS_CONN_F_*</c>; the numbers are in
/// <see cref="SyncWire"/>). The low three bits are the forwarding method
/// (<see cref="SyncEntry.Forwarding"/>), zero for NAT.
/// </summary>
[Flags]
public enum SyncFlags : uint
{
    /// <summary>No flags: forwarding method NAT (<c>IP_VS_CONN_F_MASQ</c>), established, no options.</summary>
    None = 0,

    /// <summary>The forwarding method bits (<c>IP_VS_CONN_F_FWD_MASK</c>); see <see cref="SyncForwarding"/>.</summary>
    ForwardingMask = SyncWire.FlagForwardingMask,

    /// <summary>Created by synchronisation (<c>IP_VS_CONN_F_SYNC</c>).</summary>
    Sync = SyncWire.FlagSync,

    /// <summary>Hashed (<c>IP_VS_CONN_F_HASHED</c>); the kernel never sends it.</summary>
    Hashed = SyncWire.FlagHashed,

    /// <summary>No packets come back through the director: DR, tunnel (<c>IP_VS_CONN_F_NOOUTPUT</c>).</summary>
    NoOutput = SyncWire.FlagNoOutput,

    /// <summary>Not established (<c>IP_VS_CONN_F_INACTIVE</c>).</summary>
    Inactive = SyncWire.FlagInactive,

    /// <summary>Output sequence adjustment (<c>IP_VS_CONN_F_OUT_SEQ</c>).</summary>
    OutSequence = SyncWire.FlagOutSequence,

    /// <summary>Input sequence adjustment (<c>IP_VS_CONN_F_IN_SEQ</c>).</summary>
    InSequence = SyncWire.FlagInSequence,

    /// <summary>No client port yet (<c>IP_VS_CONN_F_NO_CPORT</c>).</summary>
    NoClientPort = SyncWire.FlagNoClientPort,

    /// <summary>A persistence template (<c>IP_VS_CONN_F_TEMPLATE</c>).</summary>
    Template = SyncWire.FlagTemplate,

    /// <summary>One-packet scheduling (<c>IP_VS_CONN_F_ONE_PACKET</c>).</summary>
    OnePacket = SyncWire.FlagOnePacket,
}
