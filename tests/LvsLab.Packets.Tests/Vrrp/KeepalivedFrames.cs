namespace LvsLab.Packets.Tests.Vrrp;

/// <summary>
/// Frames captured from the real keepalived, the golden vectors for the VRRP parser and writers.
/// </summary>
/// <remarks>
/// How they were made (once, by hand; the tests need none of it): Debian 12's keepalived 2.2.7
/// (<c>apt-get install keepalived</c>) ran in a network namespace <c>vrrpgold-a</c> joined by a
/// veth pair to a second namespace <c>vrrpgold-b</c>, 10.250.0.1/24 and 10.250.0.2/24, no route
/// out, nothing on the host's interfaces; both namespaces were deleted afterwards. Its
/// configuration: <c>vrrp_version 3</c>; three instances on the veth, each <c>state BACKUP</c>
/// with <c>use_vmac</c> (so frames leave from 00:00:5e:00:01:{VRID}, as RFC 5798 §7.3 asks;
/// without it keepalived sends from the interface's own MAC):
/// VRID 51, priority 100, <c>advert_int 1</c>, VIP 10.250.0.100;
/// VRID 7, priority 200, <c>advert_int 0.5</c>, VIPs 10.250.0.107–109;
/// VRID 200, priority 1, <c>advert_int 2.5</c>, VIPs 10.250.0.120–121.
/// tcpdump in <c>vrrpgold-b</c> captured each instance's first advertisement as master, the
/// priority 0 advertisement it sent on stopping (SIGTERM), and its gratuitous ARPs.
/// <c>tshark -V -r</c> (Wireshark 4.0.17, IP header checksum validation on) decoded every frame
/// with its VRRP checksum "correct" and no expert info, no malformed packet.
/// </remarks>
internal static class KeepalivedFrames
{
    /// <summary>VRID 7, priority 200, interval 50 cs, three addresses, IP id 1.</summary>
    public const string Vrid7Priority200 =
        "01005e00001200005e000107080045c0002800010000ff70cf970afa0001e0000012"
        + "3107c8030032f8fe0afa006b0afa006c0afa006d";

    /// <summary>VRID 51, priority 100, interval 100 cs, one address, IP id 1.</summary>
    public const string Vrid51Priority100 =
        "01005e00001200005e000133080045c0002000010000ff70cf9f0afa0001e0000012"
        + "313364010064737f0afa0064";

    /// <summary>VRID 200, priority 1, interval 250 cs, two addresses, IP id 1.</summary>
    public const string Vrid200Priority1 =
        "01005e00001200005e0001c8080045c0002400010000ff70cf9b0afa0001e0000012"
        + "31c8010200fac9c80afa00780afa0079";

    /// <summary>VRID 51 stopping: priority 0, interval 100 cs, one address, IP id 12.</summary>
    public const string Vrid51PriorityZero =
        "01005e00001200005e000133080045c00020000c0000ff70cf940afa0001e0000012"
        + "313300010064d77f0afa0064";

    /// <summary>The gratuitous ARP of VRID 51's master for 10.250.0.100.</summary>
    public const string Vrid51GratuitousArp =
        "ffffffffffff00005e0001330806000108000604000100005e0001330afa0064ffffffffffff0afa0064";

    /// <summary>The bytes of a frame given as hex.</summary>
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);
}
