namespace LvsLab.Packets;

/// <summary>The TCP control bits of byte 13 of the header.</summary>
[Flags]
public enum TcpFlags : byte
{
    /// <summary>No bit set.</summary>
    None = 0,

    /// <summary>No more data from sender.</summary>
    Fin = 0x01,

    /// <summary>Synchronize sequence numbers.</summary>
    Syn = 0x02,

    /// <summary>Reset the connection.</summary>
    Rst = 0x04,

    /// <summary>Push function.</summary>
    Psh = 0x08,

    /// <summary>Acknowledgment field significant.</summary>
    Ack = 0x10,

    /// <summary>Urgent pointer field significant.</summary>
    Urg = 0x20,

    /// <summary>ECN echo (RFC 3168).</summary>
    Ece = 0x40,

    /// <summary>Congestion window reduced (RFC 3168).</summary>
    Cwr = 0x80,
}
