namespace LvsLab.Director.Sync;

/// <summary>The forwarding method in a synchronised entry's flags (<c>IP_VS_CONN_F_FWD_MASK</c>).</summary>
public enum SyncForwarding : byte
{
    /// <summary>NAT (<c>IP_VS_CONN_F_MASQ</c>).</summary>
    Masquerade = (byte)SyncWire.FlagMasquerade,

    /// <summary>Local node (<c>IP_VS_CONN_F_LOCALNODE</c>).</summary>
    LocalNode = (byte)SyncWire.FlagLocalNode,

    /// <summary>IP-in-IP tunnelling (<c>IP_VS_CONN_F_TUNNEL</c>).</summary>
    Tunnel = (byte)SyncWire.FlagTunnel,

    /// <summary>Direct routing (<c>IP_VS_CONN_F_DROUTE</c>).</summary>
    DirectRoute = (byte)SyncWire.FlagDirectRoute,

    /// <summary>Cache bypass (<c>IP_VS_CONN_F_BYPASS</c>).</summary>
    Bypass = (byte)SyncWire.FlagBypass,
}
