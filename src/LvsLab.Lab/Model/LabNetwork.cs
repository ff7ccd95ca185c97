using System.Net;

namespace LvsLab.Lab.Model;

/// <summary>A lab network: one internal layer-2 segment with a fixed IPv4 subnet.</summary>
/// <param name="Name">Short name inside the lab, e.g. <c>lan</c>.</param>
/// <param name="Subnet">The subnet; a private range.</param>
public sealed record LabNetwork(string Name, IPNetwork Subnet)
{
    /// <summary>
    /// The address Docker gives the host's side of the bridge (the first address of the
    /// subnet). It is never a lab next hop: the lab removes routes through it.
    /// </summary>
    public IPAddress HostGateway => AddressMath.Offset(Subnet.BaseAddress, 1);
}
