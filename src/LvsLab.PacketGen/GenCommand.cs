namespace LvsLab.PacketGen;

/// <summary>What <c>lvs-pktgen</c> sends.</summary>
internal enum GenCommand
{
    /// <summary>Paced UDP datagrams from the machine's own address (<see cref="UdpBlaster"/>).</summary>
    Udp,

    /// <summary>Paced TCP SYNs from forged lab addresses through a raw socket (<see cref="SynFlooder"/>).</summary>
    Syn,
}
