using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace LvsLab.PacketGen;

/// <summary>An IPv4 address of one of this machine's interfaces and its prefix length: the subnet it is on.</summary>
/// <param name="Address">The interface's address.</param>
/// <param name="PrefixLength">Its prefix length (0 to 32).</param>
internal readonly record struct LocalSubnet(IPAddress Address, int PrefixLength)
{
    /// <summary>
    /// The IPv4 addresses of this machine's interfaces other than loopback, read with
    /// <see cref="NetworkInterface.GetAllNetworkInterfaces"/>.
    /// </summary>
    public static IReadOnlyList<LocalSubnet> ReadAll()
    {
        var subnets = new List<LocalSubnet>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                {
                    subnets.Add(new LocalSubnet(unicast.Address, unicast.PrefixLength));
                }
            }
        }

        return subnets;
    }

    /// <summary><c>ADDR/PREFIX</c>.</summary>
    public override string ToString() => $"{Address}/{PrefixLength}";
}
