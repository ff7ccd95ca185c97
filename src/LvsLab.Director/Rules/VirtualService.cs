using System.Collections.ObjectModel;
using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>A virtual service (one <c>-A</c> line) and its real servers (the <c>-a</c> lines under it).</summary>
public sealed class VirtualService
{
    /// <summary>Creates a virtual service.</summary>
    /// <param name="protocol">TCP or UDP.</param>
    /// <param name="address">The virtual IP (VIP).</param>
    /// <param name="port">The virtual port.</param>
    /// <param name="scheduler">The scheduler name, e.g. <c>rr</c>.</param>
    /// <param name="realServers">The real servers in order.</param>
    /// <exception cref="ArgumentException">The scheduler is empty.</exception>
    public VirtualService(
        ServiceProtocol protocol,
        Ipv4Address address,
        ushort port,
        string scheduler,
        IEnumerable<RealServer> realServers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheduler);
        ArgumentNullException.ThrowIfNull(realServers);
        Protocol = protocol;
        Address = address;
        Port = port;
        Scheduler = scheduler;
        RealServers = new ReadOnlyCollection<RealServer>(realServers.ToArray());
    }

    /// <summary>TCP or UDP.</summary>
    public ServiceProtocol Protocol { get; }

    /// <summary>The virtual IP (VIP).</summary>
    public Ipv4Address Address { get; }

    /// <summary>The virtual port.</summary>
    public ushort Port { get; }

    /// <summary>The scheduler name, e.g. <c>rr</c> or <c>wrr</c>.</summary>
    public string Scheduler { get; }

    /// <summary>The real servers in the order they were added.</summary>
    public IReadOnlyList<RealServer> RealServers { get; }

    /// <summary>The service as ipvsadm names it, e.g. <c>-t 10.0.0.100:80</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{(Protocol == ServiceProtocol.Tcp ? "-t" : "-u")} {Address}:{Port}";
}
